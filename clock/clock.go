// Package clock is the time delegate reads. The service runs on the real
// clock; tests and the demo data run on a Manual clock they set, handed to
// the store and the mail worker alike.
package clock

import (
	"sync"
	"time"
)

// Manual is a clock that shows the time it was last set to. It is safe
// for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// At returns a Manual clock set to t.
func At(t time.Time) *Manual { return &Manual{t: t} }

// Now is the time the clock shows.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.t = t
	m.mu.Unlock()
}

// Advance moves the clock on by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}
