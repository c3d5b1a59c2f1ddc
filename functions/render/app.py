"""Lambda: publish new digests/{topic}/{date}.json to the site, in order (RenderQueue.fifo)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import Done, Event, Resources, Response, WorkItem, powertools, run_stage

logger, metrics, tracer = tools = powertools()


def render(item: WorkItem, env: Resources) -> Done:
    from newsprism.render import render_digest  # deferred: cold_start.py

    base_url = env.environ.get("SITE_BASE_URL") or None  # absolute links in feeds, sitemap
    files = render_digest(env.data, env.site, item.topic, item.date, base_url=base_url)
    # NoDigestAlarm (template) fires when no DigestsPublished was counted for 26 hours.
    return Done(counts={"FilesWritten": len(files), "DigestsPublished": 1}, files=files)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Event, context: LambdaContext) -> Response:
    return run_stage("render", event, context, render, tools)
