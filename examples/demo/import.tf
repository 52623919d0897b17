# Ben's sign-up address: Zendesk created this identity with the user, so it
# is imported, not created (creating it again would be refused as a
# duplicate). `make demo` adds this file in its import step; applied with
# the rest of the directory, the import happens in the first apply.

variable "ben_email" {
  description = "The email address the second user signed up with."
  type        = string
  default     = "ben@example.com"
}

import {
  to = zendesk_user_identity.ben_email
  id = "${data.zendesk_user.ben.id}:email:${var.ben_email}"
}

resource "zendesk_user_identity" "ben_email" {
  user_id = data.zendesk_user.ben.id
  type    = "email"
  value   = var.ben_email
}
