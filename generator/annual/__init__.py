"""The annual report (政府信息公开工作年度报告): its tables in the national layout on the page and as
CSV, and the draft ``gongkai report`` writes. The pipeline calls it through ``Extensions``."""
