"""The moderation pages, one module per job."""

from .appeals import appeal, appeal_by_link, appeal_review, my_actions, warning
from .blocks import block, block_list, block_shared, unblock
from .circles import circle_safety
from .crisis import alert
from .data_rights import delete_account_view, export_download, export_page
from .queue import audit_log, queue_item, queue_list
from .reports import home, report, report_sent, target_person

__all__ = [
    "alert",
    "appeal",
    "appeal_by_link",
    "appeal_review",
    "audit_log",
    "block",
    "block_list",
    "block_shared",
    "circle_safety",
    "delete_account_view",
    "export_download",
    "export_page",
    "home",
    "my_actions",
    "queue_item",
    "queue_list",
    "report",
    "report_sent",
    "target_person",
    "unblock",
    "warning",
]
