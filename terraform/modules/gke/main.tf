locals {
  autopilot = var.mode == "autopilot"

  # The seed's node_count is the pool's total: a pool of n nodes is spread over the first n
  # zones (all of them when n >= the number of zones), ceil(n / zones) nodes in each.
  pool_zones = {
    for name, p in var.node_pools : name => length(var.zones) == 0 ? [] : slice(var.zones, 0, max(1, min(max(p.node_count, coalesce(p.max_count, 0)), length(var.zones))))
  }
}

resource "google_container_cluster" "this" {
  project  = var.project_id
  name     = var.name
  location = var.region

  enable_autopilot    = local.autopilot ? true : null
  deletion_protection = var.deletion_protection
  network             = var.network_id
  subnetwork          = var.subnetwork_id
  resource_labels     = var.labels

  # Standard mode: the default pool is replaced by the node pools below, spread over the zones.
  node_locations           = local.autopilot || length(var.zones) == 0 ? null : var.zones
  remove_default_node_pool = local.autopilot ? null : true
  initial_node_count       = local.autopilot ? null : 1

  # Kubernetes Secrets are encrypted in etcd with the project's own key (application-layer
  # secrets encryption); the GKE service agent holds encrypter/decrypter on it.
  database_encryption {
    state    = "ENCRYPTED"
    key_name = var.kms_key_id
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range_name
    services_secondary_range_name = var.services_range_name
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = var.enable_private_endpoint
    master_ipv4_cidr_block  = var.master_ipv4_cidr_block

    master_global_access_config {
      enabled = false
    }
  }

  master_authorized_networks_config {
    dynamic "cidr_blocks" {
      for_each = var.master_authorized_networks
      content {
        cidr_block   = cidr_blocks.value.cidr_block
        display_name = cidr_blocks.value.display_name
      }
    }
  }

  # Autopilot always runs Workload Identity; stating the pool keeps the plan explicit and
  # lets the security module build member names from the same value.
  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  release_channel {
    channel = var.release_channel
  }

  maintenance_policy {
    recurring_window {
      start_time = var.maintenance_window.start_time
      end_time   = var.maintenance_window.end_time
      recurrence = var.maintenance_window.recurrence
    }
  }
}

# Standard mode only: nodes run as a dedicated least-privilege account, never the default
# compute account (which holds roles/editor in many projects).
resource "google_service_account" "nodes" {
  count = local.autopilot ? 0 : 1

  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "GKE nodes of ${var.name}"
}

resource "google_project_iam_member" "nodes" {
  for_each = local.autopilot ? toset([]) : toset(["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.nodes[0].member
}

resource "google_container_node_pool" "pools" {
  for_each = local.autopilot ? {} : var.node_pools

  project  = var.project_id
  name     = each.key
  location = var.region
  cluster  = google_container_cluster.this.name

  node_locations = length(local.pool_zones[each.key]) == 0 ? null : local.pool_zones[each.key]
  node_count     = each.value.min_count == null ? ceil(each.value.node_count / max(1, length(local.pool_zones[each.key]))) : null

  # Autoscaling limits are totals too (total_*), not per zone.
  dynamic "autoscaling" {
    for_each = each.value.min_count == null ? [] : [each.value]
    content {
      total_min_node_count = autoscaling.value.min_count
      total_max_node_count = autoscaling.value.max_count
      location_policy      = "BALANCED"
    }
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = each.value.machine_type
    disk_size_gb    = each.value.disk_size_gb
    disk_type       = "pd-balanced"
    spot            = each.value.spot
    service_account = google_service_account.nodes[0].email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    resource_labels = var.labels

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
