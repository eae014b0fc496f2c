"""What participants do: sessions and their steps, task attempts, judging, tracker input.

- ``sessions``: consent, task order, SEQ and questionnaire answers, progress through a study;
- ``browsers``: device class and language from the participant's browser;
- ``attempts``: starting an attempt and recording the tracker's events into it;
- ``attempt_lock``: one decision at a time per attempt, on SQLite and PostgreSQL;
- ``sweep``: abandoned attempts end as timeouts without any client;
- ``task_open``: a task whose site never opened can be tried again or skipped;
- ``judging``: the outcome of an attempt (success, failure, give-up, timeout) and its deadline;
- ``events``: parsing and bounding of the tracker's event batches;
- ``snippet``: the inline loader a study's site embeds.
"""
