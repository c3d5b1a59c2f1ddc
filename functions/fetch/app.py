"""Lambda: one topic's feeds into raw/{topic}/{date}/{run}.json, per FetchQueue message."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import Done, Event, Resources, Response, WorkItem, powertools, run_stage

logger, metrics, tracer = tools = powertools()


def fetch(item: WorkItem, env: Resources) -> Done:
    from newsprism.fetch import fetch_topics  # deferred: httpx, feedparser (cold_start.py)
    [run] = fetch_topics(env.config, [env.topic(item)], env.data, item.now,
                         deadline=env.seconds_left())  # stops in time to store the run
    feeds = [feed.status for feed in run.feeds]  # each feed's outcome is logged by the stage
    return Done(run.key, {"Articles": len(run.articles), "FeedsOk": feeds.count("ok"),
                          "FeedsFailed": feeds.count("error"),
                          "FeedsNotModified": feeds.count("not_modified")})


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Event, context: LambdaContext) -> Response:
    return run_stage("fetch", event, context, fetch, tools)
