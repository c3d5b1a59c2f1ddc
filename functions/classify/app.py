"""Lambda: one topic's selection of the day, classified/{topic}/{date}.json (ClassifyQueue)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import Done, Event, Resources, Response, WorkItem, powertools, run_stage

logger, metrics, tracer = tools = powertools()


def classify(item: WorkItem, env: Resources) -> Done:
    from newsprism.classify import NothingToList, classify_topic, from_environment  # deferred
    config = from_environment(env.config, env.environ)  # the template's Matcher parameters
    try:
        listed = classify_topic(config, env.topic(item), env.data, item.now)
    except NothingToList as exc:  # the same runs would list nothing again: not retried
        return Done(empty=str(exc))
    return Done(listed.key, {"Articles": len(listed.articles)}, unchanged=listed.unchanged)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Event, context: LambdaContext) -> Response:
    return run_stage("classify", event, context, classify, tools)
