package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"delegate/store"
)

// morning is what a conference morning measured: check-ins at the desks
// while registrations go on, and a desk's roster download.
type morning struct {
	checkinP50, checkinP99, registerP99 time.Duration
	checkins, registrations             int
	rosterBytes, rosterGzip             int
	rosterTime                          time.Duration
}

// deskMorning serves a database of n approved delegates; a desk downloads
// the whole roster, plain and gzipped; then 20 desks check them in through
// the sync call, one scan a request as a desk online sends them, while 16
// clients register.
func deskMorning(tb testing.TB, n int) morning {
	dir := tb.TempDir()
	dbPath := filepath.Join(dir, "morning.db")
	secret := strings.Repeat("cd", 32)
	db, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	s := db.Settings()
	s.Capacity = 10 * n
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		tb.Fatal(err)
	}
	codes := make([]string, n)
	for i := range n {
		r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Kofi", FamilyName: fmt.Sprint("Mensah ", i),
			Email: fmt.Sprintf("m%d@example.gh", i), Organisation: "Accra Metropolitan Assembly", JobTitle: "Officer",
			Country: "GH", Category: "speaker", Language: "en", ConsentPrivacy: true})
		if err != nil {
			tb.Fatal(err)
		}
		codes[i] = db.CheckinCode(r)
	}
	token, _, err := db.CreateToken(ctx, store.System, "desks", "desk")
	if err != nil {
		tb.Fatal(err)
	}
	db.Close()
	base, stop := startServer(tb, map[string]string{"DELEGATE_DB": dbPath, "DELEGATE_SECRET": secret, "DELEGATE_RATE_LIMIT": "0"})
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	call := func(method, path string, body []byte, gzip bool) (int, int, error) {
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		size, _ := io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, int(size), nil
	}

	var m morning
	// each desk's first download of the roster, before the doors open:
	// every page, plain then gzipped
	for _, gz := range []bool{false, true} {
		t0 := time.Now()
		total := 0
		for after := int64(0); ; {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/checkin/roster?after=%d", base, after), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if gz {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			resp, err := client.Do(req)
			if err != nil {
				tb.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			total += len(raw)
			if gz {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					tb.Fatalf("roster not gzipped: %v", err)
				}
				raw, _ = io.ReadAll(zr)
			}
			var page struct {
				Next int64
				More bool
			}
			if err := json.Unmarshal(raw, &page); err != nil {
				tb.Fatal(err)
			}
			if !page.More {
				break
			}
			after = page.Next
		}
		if gz {
			m.rosterGzip = total
		} else {
			m.rosterBytes, m.rosterTime = total, time.Since(t0)
		}
	}
	var next, failures atomic.Int64
	var mu sync.Mutex
	var checkins, registrations []time.Duration
	done := make(chan struct{})
	var desks, registrars sync.WaitGroup
	for d := range 20 {
		desks.Add(1)
		go func() {
			defer desks.Done()
			for k := 0; ; k++ {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				body, _ := json.Marshal(map[string]any{"desk": fmt.Sprint("Desk ", d+1),
					"scans": []map[string]any{{"id": fmt.Sprintf("desk%02d-%06d", d, k), "code": codes[i], "at": time.Now().UTC()}}})
				t0 := time.Now()
				status, _, err := call("POST", "/api/v1/checkin/sync", body, false)
				lat := time.Since(t0)
				if err != nil || status != http.StatusOK {
					failures.Add(1)
					continue
				}
				mu.Lock()
				checkins = append(checkins, lat)
				mu.Unlock()
			}
		}()
	}
	for c := range 16 {
		registrars.Add(1)
		go func() {
			defer registrars.Done()
			for k := 0; ; k++ {
				select {
				case <-done:
					return
				default:
				}
				body, _ := json.Marshal(loadRegistration(1_000_000 + c*100_000 + k))
				t0 := time.Now()
				status, _, err := call("POST", "/api/v1/registrations", body, false)
				lat := time.Since(t0)
				if err != nil || status != http.StatusCreated {
					failures.Add(1)
					continue
				}
				mu.Lock()
				registrations = append(registrations, lat)
				mu.Unlock()
			}
		}()
	}
	desks.Wait()
	close(done)
	registrars.Wait()
	if f := failures.Load(); f > 0 {
		tb.Fatalf("%d requests failed", f)
	}
	slices.Sort(checkins)
	slices.Sort(registrations)
	m.checkins, m.registrations = len(checkins), len(registrations)
	m.checkinP50, m.checkinP99 = checkins[len(checkins)/2], checkins[len(checkins)*99/100]
	m.registerP99 = registrations[len(registrations)*99/100]

	return m
}

// BenchmarkDeskMorning is the morning of the conference: 20 desks and 16
// registering clients on one server, with 5,000 delegates to check in.
//
//	go test -run '^$' -bench DeskMorning -benchtime 1x .
func BenchmarkDeskMorning(b *testing.B) {
	for range b.N {
		m := deskMorning(b, 5000)
		b.ReportMetric(float64(m.checkinP50.Microseconds())/1000, "checkin-p50-ms")
		b.ReportMetric(float64(m.checkinP99.Microseconds())/1000, "checkin-p99-ms")
		b.ReportMetric(float64(m.registerP99.Microseconds())/1000, "register-p99-ms")
		b.ReportMetric(float64(m.registrations), "registrations")
		b.ReportMetric(float64(m.rosterBytes)/1024, "roster-KiB")
		b.ReportMetric(float64(m.rosterGzip)/1024, "roster-gzip-KiB")
		b.ReportMetric(float64(m.rosterTime.Milliseconds()), "roster-ms")
	}
}

// TestDeskMorning runs a small morning in the test suite: every delegate
// is checked in once, with a check-in's p99 under a second while others
// register.
func TestDeskMorning(t *testing.T) {
	t.Parallel()
	m := deskMorning(t, 600)
	if m.checkins != 600 || m.registrations == 0 {
		t.Errorf("%d check-ins, %d registrations", m.checkins, m.registrations)
	}
	if m.checkinP99 > time.Second {
		t.Errorf("check-in p99 %v while registrations go on", m.checkinP99)
	}
	if m.rosterBytes < 600*100 || m.rosterGzip == 0 || m.rosterGzip > m.rosterBytes/3 {
		t.Errorf("roster of 600: %d bytes", m.rosterBytes)
	}
	t.Logf("600 delegates, 20 desks, 16 registering: check-in p50 %v p99 %v; registration p99 %v (%d); roster %d bytes (%d gzipped) in %v",
		m.checkinP50, m.checkinP99, m.registerP99, m.registrations, m.rosterBytes, m.rosterGzip, m.rosterTime)
}
