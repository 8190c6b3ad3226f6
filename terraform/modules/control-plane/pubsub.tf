# Created explicitly so the dead-letter and token grants below never race the agent's creation.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"
}

locals {
  pubsub_service_agent = "serviceAccount:${google_project_service_identity.pubsub.email}"
}

resource "google_pubsub_topic" "flow" {
  for_each = local.topics

  project                    = var.project_id
  name                       = each.value
  message_retention_duration = var.message_retention
  kms_key_name               = var.pubsub_kms_key_id
  labels                     = local.labels
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = local.topics

  project                    = var.project_id
  name                       = "${each.value}${local.dead_letter_suffix}"
  message_retention_duration = var.message_retention
  kms_key_name               = var.pubsub_kms_key_id
  labels                     = merge(local.labels, { role = "dead-letter" })
}

# A dead-letter topic without a subscription drops what lands on it; this one keeps it
# for inspection and replay.
resource "google_pubsub_subscription" "dead_letter" {
  for_each = local.topics

  project                    = var.project_id
  name                       = "${each.value}${local.dead_letter_suffix}-sub"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention
  retain_acked_messages      = true
  labels                     = merge(local.labels, { role = "dead-letter" })

  expiration_policy {
    ttl = ""
  }
}

# The trigger of each function. A Terraform-owned push subscription rather than the
# Eventarc-managed one: only here can the dead-letter policy and max attempts be set
# (hashicorp/terraform-provider-google#25069, #17697). The functions-framework turns the
# push body into the same CloudEvent an Eventarc trigger would deliver.
resource "google_pubsub_subscription" "trigger" {
  for_each = local.functions

  project                    = var.project_id
  name                       = "${local.topics[each.value.topic]}-${each.value.name}"
  topic                      = google_pubsub_topic.flow[each.value.topic].id
  ack_deadline_seconds       = min(600, max(10, var.function_timeout_seconds))
  message_retention_duration = var.message_retention
  labels                     = local.labels

  push_config {
    push_endpoint = google_cloudfunctions2_function.this[each.key].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.push_invoker.email
      audience              = google_cloudfunctions2_function.this[each.key].service_config[0].uri
    }
  }

  # Retry enabled: a failed delivery (any non-2xx) is redelivered with exponential backoff.
  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.value.topic].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_cloud_run_v2_service_iam_member.push_invoker,
  ]
}

# Dead-lettering is done by the Pub/Sub service agent: it must publish to the -dlq topic
# and acknowledge on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.topics

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[each.key].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.functions

  project      = var.project_id
  subscription = google_pubsub_subscription.trigger[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# The Pub/Sub service agent mints the OIDC tokens of the push requests.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.push_invoker.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# Status events: every function and the workflows publish to cp-events, and only there.
resource "google_pubsub_topic_iam_member" "events_publishers" {
  for_each = merge(
    { for key, sa in google_service_account.functions : key => sa.member },
    { workflows = google_service_account.workflows.member },
  )

  project = var.project_id
  topic   = google_pubsub_topic.flow["events"].name
  role    = "roles/pubsub.publisher"
  member  = each.value
}

# The backups function re-publishes its own follow-up jobs (restore drill after a backup).
resource "google_pubsub_topic_iam_member" "backup_job_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.flow["backups"].name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.functions["backups"].member
}
