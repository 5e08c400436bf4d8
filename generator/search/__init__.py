"""Full-text search: the Pagefind bundle, the word lists over its chunks, the 文号/索引号 lookups
and the synonym table the search page applies. The pipeline calls it through ``Extensions``."""
