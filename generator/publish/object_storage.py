"""Publishing to object storage through the S3 API: Aliyun OSS, Tencent COS, or any S3-compatible store.

``--to`` forms (the bucket, then the folder in it):

- ``oss://BUCKET/xxgk?region=cn-hangzhou``: Aliyun OSS (``https://oss-<region>.aliyuncs.com``);
- ``cos://BUCKET-APPID/xxgk?region=ap-guangzhou``: Tencent COS (``https://cos.<region>.myqcloud.com``);
- ``s3://BUCKET/xxgk?endpoint=https://…&region=…``: any other S3-compatible store.

The access key comes from ``GONGKAI_DEPLOY_ACCESS_KEY`` and ``GONGKAI_DEPLOY_SECRET_KEY`` (the
CI's secrets), never from the command line.  An object is written whole by one request (a visitor
never gets half a page), with the content type a browser needs (``text/html; charset=utf-8`` …).
boto3 is the client: the S3 signature and the stores' quirks are not code to write again.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..problems import UsageError

ACCESS_VAR = "GONGKAI_DEPLOY_ACCESS_KEY"
SECRET_VAR = "GONGKAI_DEPLOY_SECRET_KEY"
SCHEMES = ("s3", "oss", "cos")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


def content_type(path: str) -> str:
    """The Content-Type a browser needs to show ``path`` (Pagefind's files are binary)."""
    suffix = posixpath.splitext(path)[1].lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class ObjectStorageTarget:
    """A folder of a bucket, through the S3 API."""

    def __init__(self, spec: str) -> None:
        parts = urlsplit(spec)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        region = query.get("region", "")
        if not parts.hostname:
            raise UsageError(f"--to“{spec}”应写成 {parts.scheme}://存储桶名/目录?region=地域。")
        if parts.username or parts.password:
            raise UsageError(f"请不要把密钥写在 --to 里。把 AccessKey 放进环境变量 {ACCESS_VAR} 和 {SECRET_VAR}。")
        if parts.scheme == "oss":
            if not region:
                raise UsageError(f"--to“{spec}”缺少地域，如 oss://存储桶名/xxgk?region=cn-hangzhou。")
            endpoint, style = f"https://oss-{region}.aliyuncs.com", "virtual"
        elif parts.scheme == "cos":
            if not region:
                raise UsageError(f"--to“{spec}”缺少地域，如 cos://存储桶名-APPID/xxgk?region=ap-guangzhou。")
            endpoint, style = f"https://cos.{region}.myqcloud.com", "virtual"
        else:
            endpoint, style = query.get("endpoint", ""), query.get("style", "path")
            if not endpoint.startswith(("http://", "https://")):
                raise UsageError(f"--to“{spec}”缺少服务地址，如 s3://存储桶名/xxgk?endpoint=https://s3.example.com&region=cn-north-1。")
        access, secret = os.environ.get(ACCESS_VAR), os.environ.get(SECRET_VAR)
        if not access or not secret:
            raise UsageError(f"缺少对象存储的密钥：请设置环境变量 {ACCESS_VAR} 和 {SECRET_VAR}（在 CI 中放进密钥/Secrets）。")
        try:
            import boto3  # type: ignore[import-untyped]
            from botocore.config import Config  # type: ignore[import-untyped]
        except ImportError:
            raise UsageError("发布到对象存储需要 boto3：pip install 'gongkai[s3]'。") from None
        self.bucket = parts.hostname
        self.root = unquote(parts.path).strip("/")
        self.name = f"{parts.scheme}://{self.bucket}/{self.root}"
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region or "us-east-1",
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            config=Config(s3={"addressing_style": style}, retries={"max_attempts": 5, "mode": "standard"}),
        )
        self._errors = self.client.exceptions

    def _key(self, path: str) -> str:
        return f"{self.root}/{path}" if self.root else path

    def read(self, path: str) -> bytes | None:
        """An object's bytes, or None when there is none."""
        try:
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(path))["Body"].read()
        except self._errors.NoSuchKey:
            return None
        except self._errors.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return None
            raise OSError(f"对象存储拒绝读取 {path}：{error}") from None
        return body

    def names(self, folder: str) -> set[str] | None:
        """The names under a folder of the bucket ("" is the target's own), or None when empty."""
        prefix = self._key(folder).rstrip("/") + "/" if self._key(folder) else ""
        found: set[str] = set()
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            found.update(entry["Key"][len(prefix) :] for entry in page.get("Contents", []))
            found.update(entry["Prefix"][len(prefix) :].rstrip("/") for entry in page.get("CommonPrefixes", []))
        return found or None

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        """Write one object whole (``atomic`` needs nothing more: a PUT is never seen half-done)."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(path), Body=data, ContentType=content_type(path))

    def delete(self, path: str) -> None:
        """Remove an object (nothing when it is already gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(path))

    def flush(self) -> None:
        """Nothing is batched."""

    def close(self) -> None:
        """Nothing to let go of."""
