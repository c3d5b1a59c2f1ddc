"""Lambda: split a scheduled fetch or classify run into one SQS message per topic (_fanout)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import Event, Response, dispatch, powertools

logger, metrics, tracer = tools = powertools()


@logger.inject_lambda_context(correlation_id_path="id", clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Event, context: LambdaContext) -> Response:
    return dispatch(event, context.aws_request_id, tools)
