"""Where ``gongkai deploy`` publishes: a folder, an FTP/FTPS account, an SFTP account, rsync over
SSH, or object storage (``object_storage``: Aliyun OSS, Tencent COS, S3-compatible).

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
import errno
import ftplib
import io
import os
import posixpath
import shlex
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from ..problems import UsageError
from ..stamp import safe_path

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

    def flush(self) -> None:
        """Finish the writes and deletions asked so far (targets that batch them)."""

    def close(self) -> None:
        """Let go of the connection."""


def _known_hosts() -> str:
    """The known_hosts file that vouches for SSH servers' keys."""
    return os.environ.get(KNOWN_HOSTS_VAR) or os.path.expanduser("~/.ssh/known_hosts")


def _new_folders(path: str, known: set[str]) -> list[str]:
    """The folders above ``path``, top first, that were not made before (and now count as made)."""
    parts = posixpath.dirname(path).split("/")
    fresh = [sub for n in range(1, len(parts) + 1) if (sub := "/".join(parts[:n])) and sub not in known]
    known.update(fresh)
    return fresh


class FolderTarget:
    """A local or mounted folder (a shared drive of the county portal, a web server's root).

    Every path stays inside the folder: a symbolic link met on the way (a folder linked to
    elsewhere) stops the deploy instead of being written through, and a file that has become a
    link is neither read, overwritten in place nor deleted.
    """

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise UsageError(f"目标文件夹 {root} 不存在。请先创建它（或检查挂载的共享盘）。")
        self.root = root.resolve()
        self.name = str(root)
        self.checked: set[str] = set()

    def _full(self, path: str) -> Path:
        if path and not safe_path(path):
            raise UsageError(f"路径“{path[:80]}”会指向目标文件夹之外，已停止。")
        folder = posixpath.dirname(path)
        if folder not in self.checked:
            current = self.root
            for part in folder.split("/") if folder else ():
                current = current / part
                try:
                    st = os.lstat(current)
                except FileNotFoundError:
                    break
                if stat.S_ISLNK(st.st_mode):
                    raise UsageError(f"目标中的 {current.relative_to(self.root).as_posix()} 是符号链接（指向目标之外的位置）。为免写到别处，已停止；请管理员检查目标目录。")
            else:
                self.checked.add(folder)
        return self.root.joinpath(*path.split("/")) if path else self.root

    def read(self, path: str) -> bytes | None:
        try:
            fd = os.open(self._full(path), os.O_RDONLY | os.O_NOFOLLOW)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            raise UsageError(f"目标中的 {path} 是符号链接或无法读取，已停止；请管理员检查目标目录。") from None
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    def names(self, folder: str) -> set[str] | None:
        full = self._full(folder)
        if full.is_symlink():
            raise UsageError(f"目标中的 {folder} 是符号链接，已停止；请管理员检查目标目录。")
        try:
            return set(os.listdir(full))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        target = self._full(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.checked.discard(posixpath.dirname(path))
        self._full(path)  # the folders just made are real folders, not links made meanwhile
        temp = target.with_name(target.name + TEMP_SUFFIX) if atomic else target
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UsageError(f"目标中的 {path} 是符号链接，已停止；请管理员检查目标目录。") from None
            raise
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if atomic:
            os.replace(temp, target)  # replaces a link itself, never the file it points to

    def delete(self, path: str) -> None:
        full = self._full(path)
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            return
        if stat.S_ISREG(st.st_mode):  # a link or folder put there since is not ours to remove
            full.unlink()

    def flush(self) -> None:
        pass

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

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        for folder in _new_folders(path, self.folders):
            with contextlib.suppress(ftplib.error_perm):  # it exists (or the upload fails visibly)
                self.ftp.mkd(self._full(folder))
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

    def flush(self) -> None:
        pass

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
        known = _known_hosts()
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
        for folder in _new_folders(path, self.folders):
            with contextlib.suppress(OSError):  # it exists
                self.sftp.mkdir(self._full(folder))
        target = self._full(path)
        temp = target + TEMP_SUFFIX if atomic else target
        self.sftp.putfo(io.BytesIO(data), temp, confirm=True)
        if atomic:
            self.sftp.posix_rename(temp, target)

    def delete(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sftp.remove(self._full(path))

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.client.close()


class RsyncTarget:
    """rsync over SSH (``rsync+ssh://user@host[:port]/dir``, key login only): writes and deletions
    are batched into one rsync run per deploy step.  rsync writes each file under a temporary
    name and renames it, so every file is replaced whole."""

    def __init__(self, host: str, port: int, user: str, root: str) -> None:
        if shutil.which("rsync") is None or shutil.which("ssh") is None:
            raise UsageError("本机没有安装 rsync 或 ssh，无法用 rsync+ssh:// 发布。请安装后重试，或改用 sftp://。")
        key = os.environ.get(KEY_VAR)
        if not key:
            raise UsageError(f"rsync+ssh 只能用密钥登录：请设置环境变量 {KEY_VAR}（私钥文件）。")
        known = _known_hosts()
        self.name = f"rsync+ssh://{user}@{host}:{port}{root}"
        self.remote = f"{user}@{host}:{root.rstrip('/')}/"
        self.ssh = f"ssh -p {port} -i {shlex.quote(key)} -o UserKnownHostsFile={shlex.quote(known)} -o StrictHostKeyChecking=yes -o BatchMode=yes"
        self.outbox = Path(tempfile.mkdtemp(prefix="gongkai-rsync-"))
        self.writes: list[str] = []
        self.deletions: list[str] = []
        self.tree: dict[str, set[str]] | None = None

    def _rsync(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["rsync", "-e", self.ssh, *args], capture_output=True, text=True, check=False)

    def _check(self, done: subprocess.CompletedProcess[str]) -> None:
        if done.returncode != 0:
            raise OSError(f"rsync 退出码 {done.returncode}：{done.stderr.strip()[-300:]}")

    def read(self, path: str) -> bytes | None:
        local = self.outbox / ".read"
        done = self._rsync("--protect-args", f"{self.remote}{path}", str(local))
        if done.returncode == 23:  # no such file
            return None
        self._check(done)
        data = local.read_bytes()
        local.unlink()
        return data

    def names(self, folder: str) -> set[str] | None:
        # One recursive listing per deploy instead of one SSH connection per folder.
        if self.tree is None:
            done = self._rsync("--protect-args", "--list-only", "-r", self.remote)
            if done.returncode == 23:
                self.tree = {}
            else:
                self._check(done)
                # Lines read "drwxr-xr-x          4,096 2026/11/22 10:00:00 pagefind/fragment".
                tree: dict[str, set[str]] = {"": set()}
                for line in done.stdout.splitlines():
                    fields = line.split(None, 4)
                    if len(fields) != 5 or fields[4] == ".":
                        continue
                    parent, name = posixpath.split(fields[4])
                    tree.setdefault(parent, set()).add(name)
                    if fields[0].startswith("d"):
                        tree.setdefault(fields[4], set())
                self.tree = tree
        return self.tree.get(folder.strip("/"))

    def put(self, path: str, data: bytes, atomic: bool = True) -> None:
        local = self.outbox.joinpath(*path.split("/"))
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
        self.writes.append(path)

    def delete(self, path: str) -> None:
        self.deletions.append(path)

    def flush(self) -> None:
        self.tree = None
        if self.writes:
            listing = self.outbox / ".files"
            listing.write_text("\n".join(self.writes) + "\n", encoding="utf-8")
            self._check(self._rsync("-rt", "--protect-args", "--files-from", str(listing), f"{self.outbox}/", self.remote))
            for path in self.writes:
                self.outbox.joinpath(*path.split("/")).unlink()
            self.writes = []
        if self.deletions:
            # Listed files that do not exist on this side are deleted on the other (rsync ≥ 3.1).
            # Their folders do exist here (empty): a missing folder would be deleted whole.
            empty = Path(tempfile.mkdtemp(prefix="gongkai-rsync-empty-"))
            for path in self.deletions:
                empty.joinpath(*path.split("/")).parent.mkdir(parents=True, exist_ok=True)
            listing = self.outbox / ".deletions"
            listing.write_text("\n".join(self.deletions) + "\n", encoding="utf-8")
            try:
                self._check(self._rsync("--protect-args", "--delete-missing-args", "--files-from", str(listing), f"{empty}/", self.remote))
            finally:
                shutil.rmtree(empty, ignore_errors=True)
            self.deletions = []

    def close(self) -> None:
        shutil.rmtree(self.outbox, ignore_errors=True)


def open_target(spec: str) -> Target:
    """A target from ``--to``: a folder path, ``file://``, ``ftp://``, ``ftps://``, ``sftp://``,
    ``rsync+ssh://``, or object storage (``oss://``, ``cos://``, ``s3://``: ``object_storage``)."""
    parts = urlsplit(spec)
    if parts.scheme in ("", "file"):
        return FolderTarget(Path(unquote(parts.path) if parts.scheme else spec).expanduser())
    if parts.scheme in ("s3", "oss", "cos"):
        from .object_storage import ObjectStorageTarget  # boto3 loads only for these

        return ObjectStorageTarget(spec)
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
    if parts.scheme == "rsync+ssh":
        return RsyncTarget(parts.hostname, parts.port or 22, unquote(parts.username), root)
    raise UsageError(f"不认识的发布目标“{parts.scheme}://”。可用：文件夹路径、ftp://、ftps://、sftp://、rsync+ssh://、oss://（阿里云）、cos://（腾讯云）、s3://。")
