"""Backup archives in an S3-compatible bucket (AWS S3, MinIO, a cloud provider's object storage),
so a copy of everything lives off the machine. ``s3://bucket/prefix`` names where; the endpoint
of a non-AWS service and the credentials come from the settings and the usual AWS variables."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError

from storage.backups import BackupProblem

_CHUNK = 1024 * 1024


def parse(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (bucket, "some/prefix")."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise BackupProblem(f"{url} is not an s3://bucket/prefix address")
    return parsed.netloc, parsed.path.strip("/")


async def upload(archive: Path, url: str, endpoint: str | None) -> str:
    """Put an archive into the bucket; returns its s3:// address."""
    bucket, prefix = parse(url)
    key = f"{prefix}/{archive.name}" if prefix else archive.name
    try:
        async with get_session().create_client("s3", endpoint_url=endpoint) as client:
            with open(archive, "rb") as body:
                await client.put_object(Bucket=bucket, Key=key, Body=body)
    except (BotoCoreError, ClientError) as exc:
        raise BackupProblem(f"the archive could not be put into s3://{bucket}/{key} ({type(exc).__name__}: {exc})") from None
    return f"s3://{bucket}/{key}"


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
