"""The floor of the cold-start benchmark: a bare Chalice app with the same three kinds of Lambda
(an API route, a DynamoDB stream handler, a schedule), each doing one GetItem with a boto3 client
created lazily on first use, as chalicelib/wiring.py creates the app's. Not part of the product."""
import os

from chalice import Chalice, Rate

app = Chalice(app_name="bare")
_client = None


def _get_item(complaint_id: str) -> dict:
    global _client
    if _client is None:
        import boto3  # lazy, as the app's wiring does: only on first use
        _client = boto3.client("dynamodb")
    return _client.get_item(TableName=os.environ["TABLE_PREFIX"] + "complaints",
                            Key={"id": {"S": complaint_id}}, ConsistentRead=True).get("Item", {})


@app.route("/v1/complaints/{complaint_id}")
def get_complaint(complaint_id):
    item = _get_item(complaint_id)
    return {"id": complaint_id, "status": item.get("status", {}).get("S")}


@app.on_dynamodb_record(stream_arn=os.environ["COMPLAINTS_STREAM_ARN"], batch_size=100)
def complaint_changes(event):
    for record in event:
        _get_item(record.keys["id"]["S"])


@app.schedule(Rate(5, unit=Rate.MINUTES), name="sweep")
def sweep(event):
    return {"item": bool(_get_item(os.environ["BENCH_COMPLAINT_ID"]))}
