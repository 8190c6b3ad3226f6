locals {
  # The job name is half of the idempotency key (job name + scheduled time), so it is
  # stable and never derived from the environment.
  scheduler_jobs = {
    backup = {
      topic       = "backups"
      schedule    = var.backup_schedule
      description = "On-demand backup, export, retention purge and RPO check of ${var.sql_instance_name}."
    }
    restore-drill = {
      topic       = "backups"
      schedule    = var.restore_drill_schedule
      description = "Restore drill: PITR clone of ${var.sql_instance_name} to a scratch instance, verify, delete, record RTO."
    }
    cost-report = {
      topic       = "costReports"
      schedule    = var.cost_report_schedule
      description = "Weekly cost report priced with the Cloud Billing Catalog."
    }
  }
}

resource "google_cloud_scheduler_job" "jobs" {
  for_each = local.scheduler_jobs

  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-${each.key}"
  description = each.value.description
  schedule    = each.value.schedule
  time_zone   = var.schedule_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.flow[each.value.topic].id
    data       = base64encode(jsonencode({ job = each.key, instance = var.sql_instance_name }))
    attributes = { job = each.key }
  }

  # Publishing is the only step Scheduler owns; redelivery after that is Pub/Sub's job.
  retry_config {
    retry_count          = 3
    min_backoff_duration = "10s"
    max_backoff_duration = "300s"
  }
}
