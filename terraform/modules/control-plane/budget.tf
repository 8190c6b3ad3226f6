locals {
  billing_service_agent = "serviceAccount:billing-budget-alert@system.gserviceaccount.com"
}

resource "google_pubsub_topic_iam_member" "billing_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.flow["budgets"].name
  role    = "roles/pubsub.publisher"
  member  = local.billing_service_agent
}

resource "google_billing_budget" "this" {
  billing_account = var.billing_account_id
  display_name    = "${var.name_prefix} monthly budget"

  budget_filter {
    projects               = ["projects/${data.google_project.this.number}"]
    calendar_period        = "MONTH"
    credit_types_treatment = "INCLUDE_ALL_CREDITS"
  }

  amount {
    specified_amount {
      currency_code = var.budget_currency
      units         = tostring(var.budget_amount)
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget_thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  # A forecast above the whole budget is worth knowing before the spend arrives.
  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    pubsub_topic   = google_pubsub_topic.flow["budgets"].id
    schema_version = "1.0"
  }

  depends_on = [google_pubsub_topic_iam_member.billing_publisher]
}
