"""Where ``gongkai deploy`` publishes: a folder, an FTP/FTPS account or an SFTP account.

Every target does the same five things with site-relative POSIX paths; ``put`` replaces a file
whole (upload under a temporary name, then rename), so that a visitor never gets half a page.
Credentials come from environment variables (the CI's secret store), never from the command
line or a file in the repository:

- ``GONGKAI_DEPLOY_PASSWORD``: the FTP/FTPS or SFTP password;
- ``GONGKAI_DEPLOY_KEY``: an SSH private key file for SFTP (instead of a password);
- ``GONGKAI_DEPLOY_KNOWN_HOSTS``: the known_hosts file that vouches for the SFTP server's key
  (default ``~/.ssh/known_hosts``; an unknown server is refused).
"""

from __future__ import annotations

import contextlib
import ftplib
import io
import os
import posixpath
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from .problems import UsageError

PASSWORD_VAR = "GONGKAI_DEPLOY_PASSWORD"
KEY_VAR = "GONGKAI_DEPLOY_KEY"
KNOWN_HOSTS_VAR = "GONGKAI_DEPLOY_KNOWN_HOSTS"
TEMP_SUFFIX = ".gongkai-upload"


class Target(Protocol):
    """A place a build is published to."""

    name: str

    def read(self, path: str) -> bytes | None:
        """A file's bytes, or None when it does not exist."""

    def names(self, folder: str) -> set[str] | None:
        """The names in a folder ("" is the top), or None when there is no such folder."""

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        """Write a whole file, creating folders; ``atomic`` uploads under a temporary name first."""

    def delete(self, path: str) -> None:
        """Remove a file (nothing when it is already gone)."""

    def close(self) -> None:
        """Let go of the connection."""


class FolderTarget:
    """A local or mounted folder (a shared drive of the county portal, a web server's root)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)
        if not root.is_dir():
            raise UsageError(f"目标文件夹 {root} 不存在。请先创建它（或检查挂载的共享盘）。")

    def _full(self, path: str) -> Path:
        return self.root.joinpath(*path.split("/"))

    def read(self, path: str) -> bytes | None:
        try:
            return self._full(path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def names(self, folder: str) -> set[str] | None:
        try:
            return set(os.listdir(self._full(folder) if folder else self.root))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        target = self._full(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(target.name + TEMP_SUFFIX) if atomic else target
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if atomic:
            os.replace(temp, target)

    def delete(self, path: str) -> None:
        self._full(path).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class FTPTarget:
    """An FTP or explicit FTPS (``ftps://``) account; passive mode, UTF-8 names."""

    def __init__(self, host: str, port: int, user: str, password: str, root: str, tls: bool) -> None:
        self.name = f"{'ftps' if tls else 'ftp'}://{user}@{host}:{port}{root}"
        self.root = root.rstrip("/")
        self.folders: set[str] = set()
        try:
            ftp: ftplib.FTP = ftplib.FTP_TLS(timeout=60, encoding="utf-8") if tls else ftplib.FTP(timeout=60, encoding="utf-8")
            ftp.connect(host, port)
            ftp.login(user, password)
            if isinstance(ftp, ftplib.FTP_TLS):
                ftp.prot_p()  # the data channel encrypted too
        except ftplib.error_perm as exc:
            raise UsageError(f"FTP 登录失败（{str(exc).strip()}）。请检查用户名和环境变量 {PASSWORD_VAR} 中的密码。") from None
        except OSError as exc:
            raise UsageError(f"无法连接 FTP 服务器 {host}:{port}（{exc}）。") from None
        self.ftp = ftp

    def _full(self, path: str) -> str:
        return f"{self.root}/{path}" if path else self.root or "/"

    def read(self, path: str) -> bytes | None:
        buffer = io.BytesIO()
        try:
            self.ftp.retrbinary(f"RETR {self._full(path)}", buffer.write)
        except ftplib.error_perm:
            return None
        return buffer.getvalue()

    def names(self, folder: str) -> set[str] | None:
        # CWD tells a folder from a file on every server (NLST of a file lists the file).
        try:
            self.ftp.cwd(self._full(folder))
        except ftplib.error_perm:
            return None
        try:
            return {posixpath.basename(n) for n in self.ftp.nlst()}
        except ftplib.error_perm:
            return set()  # some servers answer an empty folder with 550

    def _mkdirs(self, folder: str) -> None:
        parts = [p for p in folder.split("/") if p]
        for n in range(1, len(parts) + 1):
            sub = "/".join(parts[:n])
            if sub in self.folders:
                continue
            with contextlib.suppress(ftplib.error_perm):  # it exists (or the upload fails visibly)
                self.ftp.mkd(self._full(sub))
            self.folders.add(sub)

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        self._mkdirs(posixpath.dirname(path))
        target = self._full(path)
        temp = target + TEMP_SUFFIX if atomic else target
        self.ftp.storbinary(f"STOR {temp}", io.BytesIO(data))
        if atomic:
            try:
                self.ftp.rename(temp, target)
            except ftplib.error_perm:
                # Servers that will not rename over a file: remove it, then rename (a brief gap).
                self.ftp.delete(target)
                self.ftp.rename(temp, target)

    def delete(self, path: str) -> None:
        with contextlib.suppress(ftplib.error_perm):
            self.ftp.delete(self._full(path))

    def close(self) -> None:
        try:
            self.ftp.quit()
        except (OSError, ftplib.Error):
            self.ftp.close()


class SFTPTarget:
    """An SFTP account (paramiko, the optional ``sftp`` extra); the server's key must be known."""

    def __init__(self, host: str, port: int, user: str, root: str) -> None:
        try:
            import paramiko
        except ImportError:
            raise UsageError("SFTP 需要 paramiko：pip install 'gongkai[sftp]'。") from None
        self.name = f"sftp://{user}@{host}:{port}{root}"
        self.root = root.rstrip("/") or "/"
        client = paramiko.SSHClient()
        known = os.environ.get(KNOWN_HOSTS_VAR) or os.path.expanduser("~/.ssh/known_hosts")
        if os.path.isfile(known):
            client.load_host_keys(known)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        key = os.environ.get(KEY_VAR)
        password = os.environ.get(PASSWORD_VAR)
        try:
            client.connect(host, port, username=user, key_filename=key, password=password, look_for_keys=False, allow_agent=False, timeout=30)
        except paramiko.SSHException as exc:
            raise UsageError(f"SFTP 连接 {host}:{port} 失败（{exc}）。服务器密钥须在 known_hosts 中（{KNOWN_HOSTS_VAR}），并用 {KEY_VAR} 或 {PASSWORD_VAR} 提供凭据。") from None
        except OSError as exc:
            raise UsageError(f"无法连接 SFTP 服务器 {host}:{port}（{exc}）。") from None
        self.client = client
        self.sftp: Any = client.open_sftp()
        self.folders: set[str] = set()

    def _full(self, path: str) -> str:
        return f"{self.root.rstrip('/')}/{path}" if path else self.root

    def read(self, path: str) -> bytes | None:
        buffer = io.BytesIO()
        try:
            self.sftp.getfo(self._full(path), buffer)
        except FileNotFoundError:
            return None
        return buffer.getvalue()

    def names(self, folder: str) -> set[str] | None:
        try:
            return set(self.sftp.listdir(self._full(folder)))
        except FileNotFoundError:
            return None

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        folder = posixpath.dirname(path)
        parts = [p for p in folder.split("/") if p]
        for n in range(1, len(parts) + 1):
            sub = "/".join(parts[:n])
            if sub not in self.folders:
                with contextlib.suppress(OSError):  # it exists
                    self.sftp.mkdir(self._full(sub))
                self.folders.add(sub)
        target = self._full(path)
        temp = target + TEMP_SUFFIX if atomic else target
        self.sftp.putfo(io.BytesIO(data), temp, confirm=True)
        if atomic:
            self.sftp.posix_rename(temp, target)

    def delete(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(self._full(path))

    def close(self) -> None:
        self.client.close()


def open_target(spec: str) -> Target:
    """A target from ``--to``: a folder path, ``file://``, ``ftp://``, ``ftps://`` or ``sftp://``."""
    parts = urlsplit(spec)
    if parts.scheme in ("", "file"):
        return FolderTarget(Path(unquote(parts.path) if parts.scheme else spec).expanduser())
    if parts.password:
        raise UsageError(f"请不要把密码写在 --to 里（会留在命令历史和 CI 日志中）。把密码放进环境变量 {PASSWORD_VAR}，--to 只写 {parts.scheme}://用户名@主机/目录。")
    if not parts.hostname or not parts.username:
        raise UsageError(f"--to“{spec}”应写成 {parts.scheme}://用户名@主机[:端口]/目录。")
    root = unquote(parts.path) or "/"
    if parts.scheme in ("ftp", "ftps"):
        password = os.environ.get(PASSWORD_VAR)
        if password is None:
            raise UsageError(f"缺少 FTP 密码：请设置环境变量 {PASSWORD_VAR}（在 CI 中放进密钥/Secrets）。")
        return FTPTarget(parts.hostname, parts.port or 21, unquote(parts.username), password, root, parts.scheme == "ftps")
    if parts.scheme == "sftp":
        if not os.environ.get(KEY_VAR) and os.environ.get(PASSWORD_VAR) is None:
            raise UsageError(f"缺少 SFTP 凭据：请设置环境变量 {KEY_VAR}（私钥文件）或 {PASSWORD_VAR}。")
        return SFTPTarget(parts.hostname, parts.port or 22, unquote(parts.username), root)
    raise UsageError(f"不认识的发布目标“{parts.scheme}://”。可用：文件夹路径、ftp://、ftps://、sftp://。")
