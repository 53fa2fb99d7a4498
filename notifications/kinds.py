"""The vocabulary of notifications: what can happen (`Kind`), who hears of it, how a person
wants to be told by e-mail (`Mode`), and the sentence each kind shows.

A notification stores its kind and a few public words (`params`: titles of published rows,
names of organisations the recipient may already see, counts); the sentence is made when it is
read, in the reader's language (the page) or the recipient's (an e-mail). Nothing confidential
is ever a parameter: the callers pass public titles only, and message text never leaves the
thread.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from profiles.display import reader_language


class Kind(models.TextChoices):
    PROPOSAL_APPROVED = "proposal_approved", gettext_lazy("新しい提案")
    COUNTERPART_INTERESTED = "counterpart_interested", gettext_lazy("相手側の関心")
    INTRODUCED = "introduced", gettext_lazy("紹介の成立")
    MESSAGE = "message", gettext_lazy("新しいメッセージ")
    WEEKLY_NEEDS = "weekly_needs", gettext_lazy("分野の新しいニーズ (毎週)")
    DEAL_FLOW = "deal_flow", gettext_lazy("ディールフローの新しいベンチャー")
    ORG_PENDING = "org_pending", gettext_lazy("承認待ちの組織")
    REVIEW_QUEUE = "review_queue", gettext_lazy("審査待ちの提案 (毎日)")
    MATCH_RUN_FAILED = "match_run_failed", gettext_lazy("マッチング再計算の失敗")
    IMPORT_FAILED = "import_failed", gettext_lazy("CSVインポートの失敗")
    EMAIL_FAILED = "email_failed", gettext_lazy("メール送信の失敗")
    SEARCH_ALERT = "search_alert", gettext_lazy("保存した検索の新しい一致")
    WATCH_ALERT = "watch_alert", gettext_lazy("ウォッチ中の研究シーズの更新")
    INVESTOR_INTERESTED = "investor_interested", gettext_lazy("投資家の関心")
    OUTCOME_PENDING = "outcome_pending", gettext_lazy("確認を待つ成果")
    OUTCOME_DISPUTED = "outcome_disputed", gettext_lazy("異議のある成果")


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", gettext_lazy("すぐにメール")
    DIGEST = "digest", gettext_lazy("毎日のまとめ")
    OFF = "off", gettext_lazy("メールなし")


ACADEMIC_KINDS = (
    Kind.PROPOSAL_APPROVED,
    Kind.COUNTERPART_INTERESTED,
    Kind.INTRODUCED,
    Kind.MESSAGE,
    Kind.WEEKLY_NEEDS,
    Kind.INVESTOR_INTERESTED,
    Kind.OUTCOME_PENDING,
    Kind.SEARCH_ALERT,
    Kind.WATCH_ALERT,
)
COMPANY_KINDS = (
    Kind.PROPOSAL_APPROVED,
    Kind.COUNTERPART_INTERESTED,
    Kind.INTRODUCED,
    Kind.MESSAGE,
    Kind.OUTCOME_PENDING,
    Kind.SEARCH_ALERT,
    Kind.WATCH_ALERT,
)
INVESTOR_KINDS = (
    Kind.DEAL_FLOW,
    Kind.INTRODUCED,
    Kind.MESSAGE,
    Kind.OUTCOME_PENDING,
    Kind.SEARCH_ALERT,
    Kind.WATCH_ALERT,
)
COORDINATOR_KINDS = (
    Kind.ORG_PENDING,
    Kind.REVIEW_QUEUE,
    Kind.MATCH_RUN_FAILED,
    Kind.IMPORT_FAILED,
    Kind.EMAIL_FAILED,
    Kind.OUTCOME_DISPUTED,
)

# Shown in the bell only: an e-mail about a failed e-mail could fail the same way, forever.
IN_APP_ONLY = frozenset({Kind.EMAIL_FAILED})

# Sensible defaults: what a person must act on, at once; the deal flow, which the matcher can
# fill with several ventures at a time, once a day.
DEFAULT_MODES: dict[str, str] = {kind: Mode.IMMEDIATE for kind in Kind.values}
DEFAULT_MODES[Kind.DEAL_FLOW] = Mode.DIGEST
# Alerts of saved searches and watched seeds can come several a day: once a day by default.
DEFAULT_MODES[Kind.SEARCH_ALERT] = Mode.DIGEST
DEFAULT_MODES[Kind.WATCH_ALERT] = Mode.DIGEST
DEFAULT_MODES[Kind.EMAIL_FAILED] = Mode.OFF


def kinds_for(*, org_kind: str | None, coordinator: bool) -> tuple[str, ...]:
    """The kinds a person can receive: by their organisation's kind, or as a coordinator."""
    if coordinator:
        return COORDINATOR_KINDS
    if org_kind in ("university", "research_institute"):
        return ACADEMIC_KINDS
    if org_kind == "company":
        return COMPANY_KINDS
    if org_kind == "investor":
        return INVESTOR_KINDS
    return ()


def _pair(params: dict) -> dict:
    return {"need": params.get("need", ""), "seed": params.get("seed", "")}


def _name(p: dict, key: str) -> str:
    """A name in the params (an organisation's, or a title made of organisations' names), in
    English for an English reader where the notification recorded the English one
    (`<key>_en`)."""
    english = p.get(f"{key}_en")
    if english and reader_language() == "en":
        return english
    return p.get(key, "")


def notification_text(kind: str, params: dict) -> str:
    """The sentence of a notification in the active language."""
    p = params or {}
    partner = {"partner": _name(p, "partner")}
    if kind == Kind.PROPOSAL_APPROVED:
        if p.get("subject") == "partnership":
            return _("組織対組織の連携提案があります: %(partner)s") % partner
        if p.get("side") == "academic":
            return _(
                "研究シーズ「%(seed)s」について、ニーズ「%(need)s」との提案が承認されました。"
            ) % _pair(p)
        return _("ニーズ「%(need)s」に新しい提案があります: 研究シーズ「%(seed)s」") % _pair(p)
    if kind == Kind.COUNTERPART_INTERESTED:
        if p.get("subject") == "partnership":
            return _("%(partner)s が組織対組織の連携に関心を示しました。") % partner
        if p.get("side") == "academic":
            return _(
                "企業が提案 (ニーズ「%(need)s」× 研究シーズ「%(seed)s」) に関心を示しました。"
            ) % _pair(p)
        return _(
            "大学・研究機関が提案 (ニーズ「%(need)s」× 研究シーズ「%(seed)s」) に関心を示しました。"
        ) % _pair(p)
    if kind == Kind.INTRODUCED:
        if p.get("subject") == "partnership":
            return _("%(partner)s との組織対組織の連携で紹介が成立しました。") % partner
        if p.get("subject") == "investor":
            return _("投資家「%(investor)s」とベンチャー「%(venture)s」の紹介が成立しました。") % {
                "investor": _name(p, "investor"),
                "venture": p.get("venture", ""),
            }
        return _("紹介が成立しました: ニーズ「%(need)s」× 研究シーズ「%(seed)s」") % _pair(p)
    if kind == Kind.MESSAGE:
        return _("%(org)s から新しいメッセージ: %(thread)s") % {
            "org": _name(p, "org"),
            "thread": _name(p, "thread"),
        }
    if kind == Kind.WEEKLY_NEEDS:
        return _("この1週間に、貴組織の分野で新しいニーズが %(count)d 件公開されました。") % {
            "count": int(p.get("count", 0))
        }
    if kind == Kind.DEAL_FLOW:
        return _("ディールフローに新しいベンチャーが入りました: %(venture)s") % {
            "venture": p.get("venture", "")
        }
    if kind == Kind.ORG_PENDING:
        return _("組織「%(org)s」が登録され、承認を待っています。") % {"org": _name(p, "org")}
    if kind == Kind.REVIEW_QUEUE:
        return _(
            "審査待ちの提案が %(proposals)d 件、組織対組織の提案が %(partnerships)d 件あります。"
        ) % {
            "proposals": int(p.get("proposals", 0)),
            "partnerships": int(p.get("partnerships", 0)),
        }
    if kind == Kind.MATCH_RUN_FAILED:
        return _("マッチングの再計算 #%(run)s が失敗しました。") % {"run": p.get("run", "")}
    if kind == Kind.IMPORT_FAILED:
        if p.get("catalog"):
            return _("カタログの取り込み #%(job)s が失敗しました。") % {"job": p.get("job", "")}
        return _("「%(org)s」のCSVインポート #%(job)s が失敗しました。") % {
            "org": _name(p, "org"),
            "job": p.get("job", ""),
        }
    if kind == Kind.SEARCH_ALERT:
        return _("保存した検索「%(search)s」に新しく一致した研究シーズ: %(seed)s") % {
            "search": p.get("search", ""),
            "seed": p.get("seed", ""),
        }
    if kind == Kind.WATCH_ALERT:
        return _("ウォッチ中の研究シーズ「%(seed)s」が更新されました。") % {
            "seed": p.get("seed", "")
        }
    if kind == Kind.INVESTOR_INTERESTED:
        return _("投資家「%(investor)s」がベンチャー「%(venture)s」に関心を示しました。") % {
            "investor": _name(p, "investor"),
            "venture": p.get("venture", ""),
        }
    if kind == Kind.OUTCOME_PENDING:
        return _("相手側が成果を記録しました。内容を確認してください: %(subject)s") % {
            "subject": _name(p, "subject_title")
        }
    if kind == Kind.OUTCOME_DISPUTED:
        return _("成果 #%(outcome)s に異議が申し立てられました。判断してください。") % {
            "outcome": p.get("outcome", "")
        }
    if kind == Kind.EMAIL_FAILED:
        return _("%(user)s へのメールを %(attempts)d 回試みましたが、送信できませんでした。") % {
            "user": p.get("user", ""),
            "attempts": int(p.get("attempts", 0)),
        }
    return str(kind)
