package zendesk

import (
	"net/http"
	"net/http/httptest"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// inProcess is an HTTP client that hands each request to the fake's
// handler in the calling goroutine, with no network in between, so tests
// under synctest or a manual clock see every request served before the
// call returns.
func inProcess(fake *zendesktest.Server) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		served := req.Clone(req.Context())
		if served.Body == nil {
			// A server's request always has a body.
			served.Body = http.NoBody
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, served)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	})}
}
