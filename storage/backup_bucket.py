"""Backup archives in an S3-compatible bucket (AWS S3, MinIO, a cloud provider's object storage),
so a copy of everything lives off the machine. ``s3://bucket/prefix`` names where; the endpoint
of a non-AWS service and the credentials come from the settings and the usual AWS variables."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError

from storage.backups import BackupProblem, archives_needed

_CHUNK = 1024 * 1024


def get_session():
    """aiobotocore's session, imported when a bucket is used (a tenth of a second of every start
    of the bot otherwise, and most deployments back up to a folder)."""
    from aiobotocore.session import get_session as session

    return session()


def parse(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (bucket, "some/prefix")."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise BackupProblem(f"{url} is not an s3://bucket/prefix address")
    return parsed.netloc, parsed.path.strip("/")


async def upload_chain(archive: Path, url: str, endpoint: str | None, uploaded: set[str] | None = None) -> str:
    """Put an archive into the bucket with every archive of its chain (beside it) the bucket does
    not hold yet, so a restore from the bucket finds them all even after an upload failed once;
    ``uploaded`` remembers, between calls, the names known to be there. Returns its address."""
    uploaded = set() if uploaded is None else uploaded
    bucket, prefix = parse(url)
    try:
        async with get_session().create_client("s3", endpoint_url=endpoint) as client:
            for name in [*archives_needed(archive), archive.name]:
                key = f"{prefix}/{name}" if prefix else name
                if name in uploaded:
                    continue
                if name != archive.name and await _holds(client, bucket, key):
                    uploaded.add(name)
                    continue
                source = archive.parent / name
                if not source.exists():
                    raise BackupProblem(f"{name}, of {archive.name}'s chain, is in neither the folder nor the bucket")
                with open(source, "rb") as body:
                    await client.put_object(Bucket=bucket, Key=key, Body=body)
                uploaded.add(name)
    except (BotoCoreError, ClientError) as exc:
        raise BackupProblem(f"the archive could not be put into s3://{bucket}/{prefix} ({type(exc).__name__}: {exc})") from None
    key = f"{prefix}/{archive.name}" if prefix else archive.name
    return f"s3://{bucket}/{key}"


async def _holds(client, bucket: str, key: str) -> bool:
    try:
        await client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


async def download(url: str, target: Path, endpoint: str | None) -> Path:
    """Fetch an archive from the bucket into ``target``."""
    bucket, key = parse(url)
    try:
        async with get_session().create_client("s3", endpoint_url=endpoint) as client:
            response = await client.get_object(Bucket=bucket, Key=key)
            async with response["Body"] as stream:
                with open(target, "wb") as fh:
                    while chunk := await stream.read(_CHUNK):
                        fh.write(chunk)
    except (BotoCoreError, ClientError) as exc:
        raise BackupProblem(f"{url} could not be fetched ({type(exc).__name__}: {exc})") from None
    return target
