# The demo: identities of three users, managed by Terraform.
#
# `make demo` runs this configuration against the bundled fake Zendesk. It
# runs unchanged against a real account: see README.md beside this file.

terraform {
  # Import blocks with expressions need 1.6, removed blocks 1.7.
  required_version = ">= 1.7"

  required_providers {
    zendesk = {
      source = "tfzendesk/zendesk"
    }
  }
}

# The account and the credentials come from the ZENDESK_* environment
# variables.
provider "zendesk" {}

# The users are found by what a team knows them by: an email address or the
# id the HR system gave them (Zendesk's external_id), not Zendesk's numeric
# ids. The defaults are the fake Zendesk's users.
variable "ana_email" {
  description = "An email address of the first user (Ana Lima in the fake Zendesk)."
  type        = string
  default     = "ana@example.com"
}

variable "ben_external_id" {
  description = "The external id of the second user (Ben Okafor in the fake Zendesk)."
  type        = string
  default     = "emp-2042"
}

variable "chloe_email" {
  description = "An email address of the third user, an agent (Chloé Martin in the fake Zendesk)."
  type        = string
  default     = "chloe@example.com"
}

data "zendesk_user" "ana" {
  email = var.ana_email
}

data "zendesk_user" "ben" {
  external_id = var.ben_external_id
}

data "zendesk_user" "chloe" {
  email = var.chloe_email

  lifecycle {
    postcondition {
      condition     = self.role != "end-user"
      error_message = "${self.name} is an end-user: agent forwarding numbers are for agents and admins (Zendesk Talk)."
    }
  }
}

# A work address becomes Ana's primary email: the address she signed up
# with stays, no longer primary. No verification email goes out.
resource "zendesk_user_identity" "ana_work_email" {
  user_id           = data.zendesk_user.ana.id
  type              = "email"
  value             = "ana.lima@work.example.com"
  primary           = true
  skip_verify_email = true
}

# A phone number the support team has checked: verified from the start.
resource "zendesk_user_identity" "ana_phone" {
  user_id  = data.zendesk_user.ana.id
  type     = "phone_number"
  value    = "+15550102001"
  verified = true
}

resource "zendesk_user_identity" "ben_twitter" {
  user_id = data.zendesk_user.ben.id
  type    = "twitter"
  value   = "benokafor"
}

# Chloé is an agent: Zendesk Talk forwards her calls to this number.
resource "zendesk_user_identity" "chloe_forwarding" {
  user_id = data.zendesk_user.chloe.id
  type    = "agent_forwarding"
  value   = "+15550103003"
}

# Read back what Zendesk holds, after the changes above are applied.
data "zendesk_user_identities" "ana" {
  user_id = data.zendesk_user.ana.id

  depends_on = [zendesk_user_identity.ana_work_email, zendesk_user_identity.ana_phone]
}

data "zendesk_user_identities" "ben" {
  user_id = data.zendesk_user.ben.id

  depends_on = [zendesk_user_identity.ben_twitter]
}

output "users" {
  description = "The users the lookups found: id, role and state."
  value = {
    for key, user in { ana = data.zendesk_user.ana, ben = data.zendesk_user.ben, chloe = data.zendesk_user.chloe } :
    key => "${user.name}: id ${user.id}, ${user.role}${user.active ? "" : ", deleted"}${user.suspended ? ", suspended" : ""}"
  }
}

output "ana_primary_email" {
  description = "Ana's primary email address, as Zendesk reports it."
  value       = data.zendesk_user_identities.ana.primary_email
}

output "ana_identities" {
  description = "Ana's identities: type, value and flags."
  value       = [for i in data.zendesk_user_identities.ana.identities : "${i.type} ${i.value}${i.primary ? " (primary)" : ""}${i.verified ? " (verified)" : ""}"]
}

output "ben_identities" {
  description = "Ben's identities, including those only Zendesk channels make."
  value       = [for i in data.zendesk_user_identities.ben.identities : "${i.type} ${i.value}${i.primary ? " (primary)" : ""}${i.verified ? " (verified)" : ""}"]
}
