package clock

import (
	"context"
	"math/rand/v2"
	"time"
)

// Every runs fn now, then each period and whenever wake fires (nil: never),
// until ctx is done: the loop of each of the server's workers.
func Every(ctx context.Context, period time.Duration, wake <-chan struct{}, fn func()) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// Backoff is how long to wait after the nth failed attempt: doubling from
// base up to max, with ±50% jitter so that retries spread out.
func Backoff(base, max time.Duration, n int) time.Duration {
	d := base << min(n-1, 20)
	if d > max || d <= 0 {
		d = max
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}
