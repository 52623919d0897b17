# Adopt an identity by its resource identity (Terraform 1.12 and later):
# the user's id and the identity's id, as terraform query lists them and
# the zendesk_user_identities data source shows them.
import {
  to = zendesk_user_identity.mobile
  identity = {
    user_id = 1001
    id      = 50002
  }
}

resource "zendesk_user_identity" "mobile" {
  user_id = 1001
  type    = "phone_number"
  value   = "+15550100200"
}
