package zendesktest

import (
	"encoding/json"
	"errors"
	"net/http"
)

// reply is an answer built before it is sent, so the pipeline can still
// replace it (FaultAfterCommit) or throw it away (FaultDropAfterCommit) after
// the store has changed.
type reply struct {
	status int
	header http.Header
	body   []byte
}

const jsonContentType = "application/json; charset=utf-8"

func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil {
		// Only the fake's own types are encoded here; failing is a bug.
		panic("zendesktest: encode reply: " + err.Error())
	}
	h := http.Header{}
	h.Set("Content-Type", jsonContentType)
	return reply{status: status, header: h, body: body}
}

func textReply(status int, text string) reply {
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	return reply{status: status, header: h, body: []byte(text)}
}

// emptyReply is an answer without a body (204 after delete, 200 after
// request_verification).
func emptyReply(status int) reply {
	return reply{status: status, header: http.Header{}}
}

// errorBody is Zendesk's usual error shape.
type errorBody struct {
	Error       string                        `json:"error"`
	Description string                        `json:"description,omitempty"`
	Details     map[string][]errorDetailEntry `json:"details,omitempty"`
}

type errorDetailEntry struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

func errorReply(status int, code, description string) reply {
	return jsonReply(status, errorBody{Error: code, Description: description})
}

func invalidEndpoint() reply {
	return errorReply(http.StatusNotFound, "InvalidEndpoint", "Not found")
}

func recordNotFound() reply {
	return errorReply(http.StatusNotFound, "RecordNotFound", "Not found")
}

func invalidJSON(description string) reply {
	return errorReply(http.StatusBadRequest, "InvalidJSON", description)
}

func recordInvalid(e *ValidationError) reply {
	return jsonReply(http.StatusUnprocessableEntity, errorBody{
		Error:       "RecordInvalid",
		Description: "Record validation errors",
		Details: map[string][]errorDetailEntry{
			e.Field: {{Description: e.Description, Error: e.Code}},
		},
	})
}

// storeErrorReply renders what the store refused.
func storeErrorReply(err error) reply {
	var invalid *ValidationError
	switch {
	case errors.Is(err, ErrNotFound):
		return recordNotFound()
	case errors.As(err, &invalid):
		return recordInvalid(invalid)
	default:
		return errorReply(http.StatusInternalServerError, "InternalServerError", err.Error())
	}
}

// paginationError is the shape Zendesk uses for bad pagination parameters.
func paginationError(title string) reply {
	type entry struct {
		Code  string `json:"code"`
		Title string `json:"title"`
	}
	return jsonReply(http.StatusBadRequest, struct {
		Errors []entry `json:"errors"`
	}{Errors: []entry{{Code: "InvalidPaginationParameter", Title: title}}})
}
