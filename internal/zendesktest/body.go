package zendesktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
)

// maxBodyBytes bounds what the fake reads from a request; identity bodies
// are tiny.
const maxBodyBytes = 1 << 20

// identityInput is what a create or update may send inside {"identity":...}.
// Pointers tell "absent" from "false"/"" apart; unknown attributes are
// ignored, as Zendesk ignores them.
type identityInput struct {
	Type               *string `json:"type"`
	Value              *string `json:"value"`
	Primary            *bool   `json:"primary"`
	Verified           *bool   `json:"verified"`
	VerificationMethod *string `json:"verification_method"`
	SkipVerifyEmail    *bool   `json:"skip_verify_email"`
}

type identityRequest struct {
	Identity *identityInput `json:"identity"`
	// Zendesk's docs place skip_verify_email both beside and inside the
	// identity; both are honoured.
	SkipVerifyEmail *bool `json:"skip_verify_email"`
}

// decodeIdentityRequest reads a JSON body wrapped in {"identity":...}. It
// answers 400 InvalidJSON for a body that is not JSON, is not sent as JSON,
// or lacks the wrapper.
func decodeIdentityRequest(x *exchange) (identityRequest, *reply) {
	var req identityRequest
	if mt, _, err := mime.ParseMediaType(x.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return req, new(invalidJSON("Content-Type must be application/json"))
	}
	if x.bodyErr != nil {
		return req, new(invalidJSON("The request body could not be read: " + x.bodyErr.Error()))
	}
	if err := decodeStrictJSON(x.body, &req); err != nil {
		return req, new(invalidJSON("The request body is not valid JSON: " + err.Error()))
	}
	if req.Identity == nil {
		return req, new(invalidJSON(`The request body must be an object with an "identity" object`))
	}
	return req, nil
}

// decodeStrictJSON decodes exactly one JSON value; trailing data is an error.
func decodeStrictJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func (r identityRequest) skipVerifyEmail() bool {
	return deref(r.SkipVerifyEmail) || deref(r.Identity.SkipVerifyEmail)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
