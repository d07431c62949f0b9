"""The life cycle of a resident's suggestion: read, perhaps held for review, then answered.

A suggestion arrives received, or held for review when its text carries a phone number, an
ID-card number or a link (``services.suggestion_submit``). The community's subdistrict staff
release a held one (removing the personal data from its text) and answer a received one in
one of three ways; every answer publishes the suggestion with it.
"""

from django.utils.translation import gettext_lazy as _

from communities.lifecycle import Lifecycle, Step
from communities.roles import Role

from .choices import SuggestionState

S = SuggestionState
STAFF = (Role.SUBDISTRICT_STAFF,)
SERVICES = "public.services."
FORMS = "public.forms."
UNANSWERED_REFUSAL = _("A suggestion that is “%(state)s” has been answered already.")

SUGGESTION = Lifecycle(
    model="public.Suggestion",
    subject="suggestion",
    states=SuggestionState,
    steps=[
        Step(
            name="release",
            title=_("Release for answering"),
            sources=(S.HELD,),
            target=S.RECEIVED,
            roles=STAFF,
            service=SERVICES + "suggestion_release",
            form=FORMS + "ReleaseForm",
            refusal=_("Only a suggestion held for review is released."),
            done=_("The suggestion can now be answered."),
        ),
        Step(
            name="answer",
            title=_("Answer"),
            sources=(S.RECEIVED,),
            target=S.ANSWERED,
            roles=STAFF,
            service=SERVICES + "suggestion_answer",
            form=FORMS + "AnswerForm",
            refusal=UNANSWERED_REFUSAL,
            done=_("The answer is published with the suggestion."),
        ),
        Step(
            name="accept",
            title=_("Accept into a plan"),
            sources=(S.RECEIVED,),
            target=S.ACCEPTED,
            roles=STAFF,
            service=SERVICES + "suggestion_accept",
            form=FORMS + "AcceptForm",
            refusal=UNANSWERED_REFUSAL,
            done=_("The answer is published with the suggestion."),
        ),
        Step(
            name="decline",
            title=_("Not adopted"),
            sources=(S.RECEIVED,),
            target=S.NOT_ADOPTED,
            roles=STAFF,
            service=SERVICES + "suggestion_decline",
            form=FORMS + "DeclineForm",
            refusal=UNANSWERED_REFUSAL,
            done=_("The answer is published with the suggestion."),
        ),
    ],
)
