"""Every form of the profiles pages, by concern:

- `fields`: the fields and helpers they share (keywords, TRL, control characters,
  `apply_service_errors`, `formset_rows`);
- `accounts`: registration, invitations, the account page, members, password reset,
  the organisation profile and a coordinator's decision on it;
- `catalog`: seeds (with researchers and patents), needs, ventures, an investor's thesis;
- `uploads`: CSV, catalogue and researchmap files;
- `readiness`: the readiness profile, the track record, the fair-price estimator.

Forms check shapes (types, choices, lengths, NUL bytes, ranges between two fields); the rules
that span rows live in `profiles.services`, whose ValidationError `apply_service_errors` shows
next to the fields it names. The names below are the package's interface: pages import them
from `profiles.forms`.
"""

from profiles.forms.accounts import (
    AccountForm,
    InvitationAcceptForm,
    InvitationForm,
    MemberRoleForm,
    NewAccountForm,
    OrganizationDecisionForm,
    OrganizationForm,
    OrganizationRegisterForm,
    QueuedPasswordResetForm,
)
from profiles.forms.catalog import (
    VENTURE_STATUS_CHOICES,
    InvestorForm,
    NeedForm,
    PatentForm,
    PatentFormSet,
    ResearcherForm,
    ResearcherFormSet,
    SeedForm,
    VentureForm,
    clean_jglobal_id,
    clean_researchmap_id,
)
from profiles.forms.fields import (
    KEYWORD_SPLIT,
    CleanTextMixin,
    KeywordsField,
    TrlField,
    apply_service_errors,
    formset_rows,
)
from profiles.forms.readiness import (
    EstimateForm,
    OrganizationChoiceField,
    ReadinessForm,
    TrackRecordForm,
)
from profiles.forms.uploads import (
    CSV_MAX_BYTES,
    RESEARCHMAP_MAX_BYTES,
    CatalogUploadForm,
    CsvUploadForm,
    ResearchmapUploadForm,
)

__all__ = [
    "CSV_MAX_BYTES",
    "KEYWORD_SPLIT",
    "RESEARCHMAP_MAX_BYTES",
    "VENTURE_STATUS_CHOICES",
    "AccountForm",
    "CatalogUploadForm",
    "CleanTextMixin",
    "CsvUploadForm",
    "EstimateForm",
    "InvestorForm",
    "InvitationAcceptForm",
    "InvitationForm",
    "KeywordsField",
    "MemberRoleForm",
    "NeedForm",
    "NewAccountForm",
    "OrganizationChoiceField",
    "OrganizationDecisionForm",
    "OrganizationForm",
    "OrganizationRegisterForm",
    "PatentForm",
    "PatentFormSet",
    "QueuedPasswordResetForm",
    "ReadinessForm",
    "ResearcherForm",
    "ResearchmapUploadForm",
    "ResearcherFormSet",
    "SeedForm",
    "TrackRecordForm",
    "TrlField",
    "VentureForm",
    "apply_service_errors",
    "clean_jglobal_id",
    "clean_researchmap_id",
    "formset_rows",
]
