# By an address of the user: the primary email, or any other email identity
# the user has.
data "zendesk_user" "ana" {
  email = "ana@example.com"
}

# By the id another system (here, the HR system) gave the user: Zendesk's
# external_id.
data "zendesk_user" "ben" {
  external_id = "emp-2042"
}

# By Zendesk's own id.
data "zendesk_user" "chloe" {
  id = 1003
}

# Identities name their user by lookup, not by a numeric id.
resource "zendesk_user_identity" "ana_phone" {
  user_id = data.zendesk_user.ana.id
  type    = "phone_number"
  value   = "+15550102001"
}

resource "zendesk_user_identity" "ben_twitter" {
  user_id = data.zendesk_user.ben.id
  type    = "twitter"
  value   = "benokafor"
}

output "chloe" {
  value = {
    name          = data.zendesk_user.chloe.name
    primary_email = data.zendesk_user.chloe.primary_email
    role          = data.zendesk_user.chloe.role
  }
}
