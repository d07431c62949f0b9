"""The home page: what waits for the user in every app, and the programme's community counts."""

from django.views.generic import TemplateView

from communities.selectors import community_counts
from communities.worklist import worklist_for
from funding.selectors import worklist_for as funding_worklist
from operations.selectors import worklist_for as operations_worklist
from projects.selectors import worklist_for as projects_worklist


class HomeView(TemplateView):
    """The signed-in user's to-do list, then the communities by route and by subdistrict."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs["worklist"] = worklist_for(
            user, [projects_worklist, funding_worklist, operations_worklist]
        )
        kwargs["counts"] = community_counts(user=user)
        return super().get_context_data(**kwargs)
