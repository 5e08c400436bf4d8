"""``gongkai deploy``: a finished build published by its manifest to a folder, FTP/FTPS, SFTP or rsync."""
