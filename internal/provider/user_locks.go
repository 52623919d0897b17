package provider

import "sync"

// userLocks serializes the writes to each Zendesk user's identities.
// Promoting one identity demotes another of the same user, so two writes
// to the same user that interleave can leave the wrong one primary; writes
// to different users still run in parallel.
type userLocks struct {
	mu    sync.Mutex
	locks map[int64]*sync.Mutex
}

func newUserLocks() *userLocks {
	return &userLocks{locks: map[int64]*sync.Mutex{}}
}

// lock takes the lock of userID and returns its release.
func (l *userLocks) lock(userID int64) func() {
	l.mu.Lock()
	m, ok := l.locks[userID]
	if !ok {
		m = &sync.Mutex{}
		l.locks[userID] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}
