"""Lambda: a new classified/{topic}/{date}.json into digests/ (S3 -> EventBridge, async)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import Done, Event, Resources, Response, WorkItem, powertools, run_stage

logger, metrics, tracer = tools = powertools()


def summarize(item: WorkItem, env: Resources) -> Done:
    from newsprism.summarize import from_environment, summarize_topic  # deferred: cold start
    config = from_environment(env.config, env.environ)  # the template's Summarizer parameters
    digest = summarize_topic(config, item.topic, item.date, env.data)
    replaced = digest.model and digest.summarizer == "extractive"  # the model's answer was not
    return Done(digest.key, {"SummarizerFallbacks": 1} if replaced else {}, model=digest.model,
                summarizer=digest.summarizer, note=digest.summarizer_note, usage=digest.usage,
                unchanged=digest.unchanged)  # true: nothing written, so render does not run


@logger.inject_lambda_context(correlation_id_path="id", clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Event, context: LambdaContext) -> Response:
    return run_stage("summarize", event, context, summarize, tools)
