// Package webhook sends the deliveries the store writes for each change
// an endpoint hears: signed with HMAC-SHA256 over the time and the body,
// at least once, tried again with back-off, each answer kept.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"delegate/clock"
	"delegate/store"
)

// SignatureHeader carries "t=UNIX,v1=HEX": HMAC-SHA256, keyed with the
// endpoint's secret, over the time, a dot and the body.
const SignatureHeader = "Delegate-Signature"

// Sign is the signature header's value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body and secret, and that it
// was made within tolerance of now: what a receiver does.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(n, 0)); d > tolerance || d < -tolerance {
		return false
	}
	want := Sign(secret, time.Unix(n, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

// Worker sends the due deliveries until its context is done.
type Worker struct {
	DB     *store.DB
	Client *http.Client // default: a 10-second timeout that connects to public addresses only
	// AllowPrivate lets the default client connect to loopback and
	// private addresses (DELEGATE_WEBHOOK_PRIVATE).
	AllowPrivate bool
	Log          *slog.Logger
	Now          func() time.Time // default: the store's clock

	Poll        time.Duration // default 2s
	MaxAttempts int           // default 8
	BaseDelay   time.Duration // default 30s
	MaxDelay    time.Duration // default 6h
}

func (w *Worker) defaults() {
	if w.Client == nil {
		dialer := &net.Dialer{Timeout: 5 * time.Second}
		if !w.AllowPrivate {
			dialer.Control = publicOnly
		}
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.Proxy = nil // a proxy would connect where the check cannot see
		transport.DialContext = dialer.DialContext
		w.Client = &http.Client{Timeout: 10 * time.Second, Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Now == nil {
		w.Now = w.DB.Now
	}
	if w.Poll == 0 {
		w.Poll = 2 * time.Second
	}
	if w.MaxAttempts == 0 {
		w.MaxAttempts = 8
	}
	if w.BaseDelay == 0 {
		w.BaseDelay = 30 * time.Second
	}
	if w.MaxDelay == 0 {
		w.MaxDelay = 6 * time.Hour
	}
}

// Run sends until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	clock.Every(ctx, w.Poll, nil, func() {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("webhook worker", "err", err)
		}
	})
}

// Drain sends every delivery due now and returns how many were accepted.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	sent := 0
	for ctx.Err() == nil {
		due, err := w.DB.DueHookDeliveries(ctx, w.Now(), 20)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		attempts := make([]store.HookAttempt, len(due))
		for i, d := range due {
			attempts[i] = w.send(ctx, d)
			if attempts[i].Status == store.OutboxSent {
				sent++
			}
		}
		if err := w.DB.RecordHookAttempts(ctx, attempts); err != nil {
			return sent, err
		}
	}
	return sent, ctx.Err()
}

// send makes one attempt at d: a 2xx answer delivers it.
func (w *Worker) send(ctx context.Context, d store.HookDelivery) store.HookAttempt {
	a := store.HookAttempt{ID: d.ID}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "delegate-webhooks/1")
		req.Header.Set("Delegate-Event", d.Event)
		req.Header.Set("Delegate-Delivery", d.EventID)
		req.Header.Set(SignatureHeader, Sign(d.Secret, w.Now(), body))
		var resp *http.Response
		if resp, err = w.Client.Do(req); err == nil {
			answer, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
			resp.Body.Close()
			a.AnswerStatus, a.Answer = resp.StatusCode, string(answer)
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				a.Status = store.OutboxSent
				w.Log.Info("webhook sent", "id", d.ID, "event", d.Event, "status", resp.StatusCode)
				return a
			}
			err = fmt.Errorf("answered %s", resp.Status)
		}
	}
	a.Error = err.Error()
	if d.Attempts+1 >= w.MaxAttempts {
		a.Status = store.OutboxFailed
		w.Log.Warn("webhook failed", "id", d.ID, "event", d.Event, "attempts", d.Attempts+1, "err", err)
		return a
	}
	a.Status, a.Next = store.OutboxQueued, w.Now().Add(w.backoff(d.Attempts+1))
	w.Log.Info("webhook deferred", "id", d.ID, "attempts", d.Attempts+1, "next", a.Next, "err", err)
	return a
}

// backoff is how long to wait after the nth failed attempt.
func (w *Worker) backoff(n int) time.Duration { return clock.Backoff(w.BaseDelay, w.MaxDelay, n) }

// publicOnly refuses a connection to an address a webhook must not reach
// (store.PrivateAddress), checked on the address dialled, after DNS: a
// name that resolves to the server's own network is refused too.
func publicOnly(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: %s: %w", address, err)
	}
	if store.PrivateAddress(ap.Addr()) {
		return fmt.Errorf("webhook: %s is a private address (set DELEGATE_WEBHOOK_PRIVATE=1 to allow it)", ap.Addr())
	}
	return nil
}
