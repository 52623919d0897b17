package zendesk

import "context"

// Logger receives the client's log lines. The client never puts a
// credential in a message or field: headers are not logged, only the name
// of the authentication method.
type Logger interface {
	Trace(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Trace(context.Context, string, map[string]any) {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}
