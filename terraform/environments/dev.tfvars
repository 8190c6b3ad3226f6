# dev: small, zonal, cheap to run and to throw away. Replace the project and billing account.
project_id   = "zenml-stack-dev"
region       = "us-central1"
environment  = "dev"
project_name = "zenml"

# The seed's zones and disaster-recovery region.
zones         = ["us-central1-a", "us-central1-b", "us-central1-c"]
backup_region = "us-east1"

labels = {
  cost-center = "ml-platform"
}

gke_master_authorized_networks = [
  { cidr_block = "10.100.0.0/24", display_name = "vpn" },
]
# Autopilot (the default) sizes nodes from pod requests; the seed's node pool is kept for a
# switch to gke_mode = "standard" and is otherwise ignored with a warning.
gke_mode = "autopilot"
node_pools = {
  general = { node_count = 1, machine_type = "e2-small" }
}
gke_release_channel         = "REGULAR"
gke_enable_private_endpoint = false

mysql_tier                           = "db-n1-standard-2"
mysql_disk_size_gb                   = 20
mysql_availability_type              = "ZONAL"
mysql_transaction_log_retention_days = 7
mysql_retained_backups               = 8

deletion_protection   = false
storage_force_destroy = true
backup_retention_days = 7

enable_dns = false
dns_domain = ""

function_max_instances = 2
max_delivery_attempts  = 5
message_retention      = "86400s"

# The automated backup window is 02:00-06:00 UTC; the jobs run after it.
mysql_backup_start_time      = "02:00"
backup_schedule              = "0 7 * * *"
export_schedule              = "30 7 * * *"
retention_schedule           = "0 8 * * *"
rpo_check_schedule           = "*/30 * * * *"
restore_drill_schedule       = "0 9 * * 1"
cost_report_schedule         = "0 7 * * 1"
cost_report_monthly_schedule = "0 7 1 * *"
rpo_objective_hours          = 26
on_demand_backups_kept       = 7

enable_cross_region_replica = false
final_backup_retention_days = 7
lock_backup_retention       = false

firestore_location = "us-central1"

billing_account_id = "012345-6789AB-CDEF01"
budget_amount      = 300
budget_currency    = "USD"
budget_thresholds  = [0.5, 0.9, 1.0]

argocd_host      = "argocd.dev.internal.example.com"
argocd_url       = "https://argocd.dev.internal.example.com"
zenml_health_url = "https://zenml.dev.internal.example.com/health"
log_level        = "debug"
workflow_env     = {}

# People notified of approvals, failed remediations, RPO breaches, budget thresholds and the
# control plane's own alerts. Slack: a Slack app's OAuth token in Secret Manager (optional).
alert_emails          = ["platform-oncall@example.com"]
slack_channel         = ""
slack_token_secret_id = ""

# The repository Argo CD syncs deploy/ from (empty: Argo CD without applications).
gitops_repo_url = "https://github.com/example-org/stack-control-plane.git"
gitops_revision = "main"
