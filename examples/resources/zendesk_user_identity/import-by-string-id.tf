# Adopt the address the user was created with, found by user id, type and
# value. "1001:50001" (user id and identity id) works as well.
import {
  to = zendesk_user_identity.signup_email
  id = "1001:email:ana@example.com"
}
