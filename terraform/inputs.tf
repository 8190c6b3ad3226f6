# What the root module derives from its variables alone: names, labels and the checks on
# the inputs. Kept apart so test/terraform can evaluate it with the real terraform binary
# and the modules stubbed (no provider needed).

locals {
  # Service account ids hold at most 30 characters and the longest suffix is "-cp-workflows"
  # (13) behind "<name>-prod": a name over 12 characters is shortened deterministically.
  short_name = length(var.project_name) <= 12 ? var.project_name : "${trimsuffix(substr(var.project_name, 0, 7), "-")}-${substr(sha1(var.project_name), 0, 4)}"
  prefix     = "${local.short_name}-${var.environment}"

  labels = merge(var.labels, {
    stack       = local.short_name
    environment = var.environment
    managed-by  = "terraform"
  })
}

# Autopilot has no node pools: the seed's node_pools are accepted and ignored there, loudly.
check "node_pools_need_standard_mode" {
  assert {
    condition     = var.gke_mode == "standard" || length(var.node_pools) == 0
    error_message = "node_pools (${join(", ", keys(var.node_pools))}) is ignored because gke_mode is \"autopilot\": Autopilot provisions nodes from the pods' resource requests. Set gke_mode = \"standard\" to create these node pools, or remove node_pools."
  }
}

