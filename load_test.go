package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"delegate/store"
)

// BenchmarkLoadRegistrations drives the real server over TCP at saturation:
// 16 clients post b.N registrations through POST /api/v1/registrations. In
// the same run it measures single-row commits of raw SQLite with the same
// pragmas on the same disk, the ceiling of any durable write path.
//
//	go test -run '^$' -bench LoadRegistrations -benchtime 3000x .
func BenchmarkLoadRegistrations(b *testing.B) {
	dir := b.TempDir()
	base, stop := startServer(b, map[string]string{"DELEGATE_DB": filepath.Join(dir, "load.db"), "DELEGATE_RATE_LIMIT": "0"})
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	// Bodies are made before the clock starts, as a load generator sends
	// prepared requests.
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(loadRegistration(i))
	}
	const workers = 16
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var failures atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != http.StatusCreated {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d registrations failed", f, b.N)
	}
	slices.Sort(lat)
	rps := float64(b.N) / elapsed.Seconds()
	raw := rawCommitRate(b, filepath.Join(dir, "raw.db"), min(b.N, 3000))
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(raw, "raw-commits/s")
	b.ReportMetric(rps/raw, "ratio")
}

// rawCommitRate is how many single-row transactions a second raw SQLite
// commits with the store's pragmas, one connection, one after another.
func rawCommitRate(b *testing.B, path string, n int) float64 {
	db, err := sql.Open("sqlite3", store.DSN(path)+"&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	for i := range n {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO t (v) VALUES (?)", fmt.Sprint("row ", i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

func loadRegistration(i int) map[string]any {
	return map[string]any{
		"title": "Dr", "given_names": "Nguyễn Thị", "family_name": "Hương", "email": fmt.Sprintf("load%d@example.vn", i),
		"organisation": "Hà Nội Department of Education", "job_title": "Education Officer", "country": "VN",
		"category": "city_official", "language": "en", "arrival_date": "2015-09-27", "departure_date": "2015-10-01",
		"arrival_flight": "VN 123", "dietary": []string{"vegetarian"}, "consent_privacy": true,
	}
}
