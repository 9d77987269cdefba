package main

// The scale bench's message to all: queued while the desk checks
// delegates in, then sent to an SMTP server.

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"delegate/mailer/smtptest"
)

// mailRun is a message to every delegate at one size: how long the
// organiser waited, how long queueing it took, the check-ins meanwhile,
// and the outbox's rate of sending after.
type mailRun struct {
	answered time.Duration // the organiser's wait
	took     time.Duration // until the last message is queued
	checkins int
	checkin  latencies
	queued   int     // messages in the outbox when sending began
	rate     float64 // messages a second the SMTP server accepted
}

// scaleCampaign sends a message to every live registration and checks
// delegates in at the desk, one every 10 ms, until it is queued.
func scaleCampaign(tb testing.TB, s *scaleServer) mailRun {
	var list struct{ Registrations []struct{ Reference string } }
	json.Unmarshal(scaleGet(tb, s, "/api/v1/registrations?status=approved&per_page=100"), &list)
	if len(list.Registrations) == 0 {
		tb.Fatal("no approved registration to check in")
	}
	form := url.Values{"send": {"1"}}
	for _, lang := range []string{"en", "es", "fr"} {
		form.Set("subject."+lang, "Shuttle times "+lang)
		form.Set("body."+lang, "Buses leave the hotels at 8:00 each morning.")
	}
	// the organiser's answer, then the queueing behind it to its end
	db, err := sql.Open("sqlite3", "file:"+s.db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	finished := func() bool {
		var done bool
		db.QueryRow("SELECT finished_at IS NOT NULL FROM campaigns ORDER BY id DESC LIMIT 1").Scan(&done)
		return done
	}
	answered := make(chan time.Duration, 1)
	t0 := time.Now()
	go func() {
		scalePost(tb, s, "/admin/messages", form)
		answered <- time.Since(t0)
	}()
	var run mailRun
	var lat []time.Duration
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; run.took == 0; i++ {
		select {
		case run.answered = <-answered:
		case <-tick.C:
			if run.answered > 0 && finished() {
				run.took = time.Since(t0)
				continue
			}
			ref := list.Registrations[i%len(list.Registrations)].Reference
			t0 := time.Now()
			resp, err := s.client.PostForm(s.base+"/admin/checkin", url.Values{"reference": {ref}})
			if err != nil {
				tb.Fatalf("check-in: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			lat = append(lat, time.Since(t0))
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusConflict { // 409: a fee still due
				tb.Fatalf("check-in of %s: %d", ref, resp.StatusCode)
			}
		}
	}
	run.checkins = len(lat)
	if len(lat) > 0 {
		run.checkin = percentiles(lat)
	}
	return run
}

// scaleDrain restarts the server with an SMTP server and returns how many
// messages were queued and how many a second it sends: the pace from the
// 200th message to the 2,200th (or to all of a smaller queue), 0 when too
// few are queued to time.
func scaleDrain(tb testing.TB, s *scaleServer) (queued int, rate float64) {
	s.stop()
	db, err := sql.Open("sqlite3", "file:"+s.db+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	err = db.QueryRow("SELECT count(*) FROM outbox WHERE status = 'queued'").Scan(&queued)
	db.Close()
	if err != nil {
		tb.Fatal(err)
	}
	from, to := min(200, queued/4), min(2200, queued)
	if to-from < 20 {
		return queued, 0
	}
	sink := smtptest.Start(tb)
	sink.Discard = true
	s.serve(tb, sink.URL())
	defer s.stop()
	var t0 time.Time
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		n := sink.Count()
		if t0.IsZero() && n >= from {
			t0 = time.Now()
		}
		if n >= to {
			return queued, float64(to-from) / time.Since(t0).Seconds()
		}
		time.Sleep(2 * time.Millisecond)
	}
	tb.Fatalf("%d of %d messages sent in 5 minutes", sink.Count(), to)
	return 0, 0
}
