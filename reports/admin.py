from django.contrib import admin

from reports.models import CostAssumption, PopulationShare


@admin.register(PopulationShare)
class PopulationShareAdmin(admin.ModelAdmin):
    list_display = ["area", "characteristic", "category", "percent", "source"]
    list_filter = ["area", "characteristic"]


@admin.register(CostAssumption)
class CostAssumptionAdmin(admin.ModelAdmin):
    list_display = ["name", "basis", "unit_cost", "avoided_percent", "active"]
