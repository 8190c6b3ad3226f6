# Status events reach people. Pub/Sub drops what is published to a topic nobody subscribes
# to, so cp-events has a retained subscription (stackctl events, audit), and the events that
# need a human each have a filtered "attention" subscription. An alert policy on the backlog
# of an attention subscription notifies the people's channels (email, Slack) while an
# unacknowledged event waits there; reading it with `stackctl events --project P --subscription
# <name> --ack` empties the backlog and the incident closes by itself.
#
# Why a backlog alert rather than a log-based alert: the events come from the functions and
# from the workflows (ApprovalRequested is published by pitr-restore itself), and every
# publisher sets the `kind` attribute, which a subscription filter can select without
# parsing the payload; nothing depends on how or whether a publisher logs the event, and an
# event that arrives while nobody watches stays retained until someone reads it.

locals {
  events_subscription = "${local.topics.events}-sub"

  # category => the event kinds (Pub/Sub `kind` attribute) a person must see.
  attention = {
    approvals = {
      title = "An approval is waiting"
      kinds = ["ApprovalRequested"]
      doc   = "A recovery workflow waits for a human decision (it gives up after its approval timeout). Read the request: `stackctl events --project ${var.project_id} --subscription ${local.topics.events}-approvals`; it names the execution. Then `stackctl approve <execution> --project ${var.project_id}` or `stackctl reject <execution> --project ${var.project_id} --comment \"...\"`."
    }
    remediation-failures = {
      title = "A remediation failed"
      kinds = ["RedeployFailed", "PitrRestoreFailed", "RegionalRestoreFailed", "RemediationFailed"]
      doc   = "An automatic remediation did not bring the service back. Read the event: `stackctl events --project ${var.project_id} --subscription ${local.topics.events}-remediation-failures`, then `stackctl runs describe <runId> --project ${var.project_id}` for the failed step."
    }
    rpo-breaches = {
      title = "The recovery point objective is breached"
      kinds = ["BackupRpoBreached", "RestoreDrillFailed"]
      doc   = "The newest good backup or export is older than the objective, or the weekly restore drill failed. Read the event: `stackctl events --project ${var.project_id} --subscription ${local.topics.events}-rpo-breaches`, and `stackctl backups --project ${var.project_id}`."
    }
    budget-thresholds = {
      title = "A budget threshold was crossed"
      kinds = ["BudgetThresholdReached"]
      doc   = "Spending crossed a budget threshold of ${var.name_prefix}. Read the event: `stackctl events --project ${var.project_id} --subscription ${local.topics.events}-budget-thresholds`; `stackctl report cost --project ${var.project_id}` shows where the money goes."
    }
  }

  # The remediation flow's own end event carries its outcome in the `status` attribute.
  attention_extra_filters = {
    remediation-failures = "(attributes.kind = \"RemediationFinished\" AND attributes.status = \"failed\")"
  }
}

resource "google_pubsub_subscription" "events" {
  project                    = var.project_id
  name                       = local.events_subscription
  topic                      = google_pubsub_topic.flow["events"].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention
  retain_acked_messages      = true
  labels                     = merge(local.labels, { role = "events" })

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "attention" {
  for_each = local.attention

  project                    = var.project_id
  name                       = "${local.topics.events}-${each.key}"
  topic                      = google_pubsub_topic.flow["events"].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention
  retain_acked_messages      = true
  labels                     = merge(local.labels, { role = "attention" })
  filter = join(" OR ", concat(
    [for k in each.value.kinds : "attributes.kind = \"${k}\""],
    contains(keys(local.attention_extra_filters), each.key) ? [local.attention_extra_filters[each.key]] : [],
  ))

  expiration_policy {
    ttl = ""
  }
}

resource "google_monitoring_alert_policy" "attention" {
  for_each = local.attention

  project               = var.project_id
  display_name          = "${each.value.title} (${var.name_prefix})"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.people_channels

  user_labels = { component = "stack-control-plane", route = each.key }

  conditions {
    display_name = "Unread events on ${local.topics.events}-${each.key}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.attention[each.key].name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "${each.value.title} (${var.name_prefix})"
    content   = each.value.doc
  }
}
