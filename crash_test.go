package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"delegate/store"
)

// TestMain lets the test binary act as the server in a child process, so
// that a test can kill it the hard way.
func TestMain(m *testing.M) {
	if kind, ok := strings.CutPrefix(os.Getenv("DELEGATE_TEST_CHILD"), "campaign:"); ok {
		if err := childCampaign(os.Getenv("DELEGATE_DB"), os.Getenv("DELEGATE_SECRET"), kind); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv("DELEGATE_TEST_CHILD") == "serve" {
		if err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledServerLosesNothingAcknowledged registers delegates from many
// clients, kills the server with SIGKILL in the middle, and checks that
// every registration that was answered 201, and its confirmation in the
// outbox, is in the database afterwards.
func TestKilledServerLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	secret := strings.Repeat("cd", 32)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DELEGATE_TEST_CHILD=serve", "DELEGATE_DB="+dbPath, "DELEGATE_SECRET="+secret,
		"DELEGATE_RATE_LIMIT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var base string
	lines := bufio.NewScanner(out)
	for base == "" && lines.Scan() {
		if m := regexp.MustCompile(`serving (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("the child server did not start")
	}
	go func() {
		for lines.Scan() {
		}
	}()

	var mu sync.Mutex
	var acknowledged []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"given_names": "Ана", "family_name": "Коваленко",
					"email": fmt.Sprintf("w%d-%d@example.ua", w, i), "organisation": "Kyiv City Council", "job_title": "Officer",
					"country": "UA", "category": "member_state", "consent_privacy": true})
				resp, err := client.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var r struct{ Reference string }
				json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acknowledged = append(acknowledged, r.Reference)
					mu.Unlock()
				}
			}
		}()
	}
	// kill in the middle of the stream: once 100 registrations are answered
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acknowledged)
		mu.Unlock()
		if n >= 100 || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown at all
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acknowledged) < 20 {
		t.Fatalf("only %d registrations before the kill", len(acknowledged))
	}

	ctx := context.Background()
	cfg := config{dbPath: dbPath, secret: secret}
	db, err := cfg.open(ctx)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	lost := 0
	for _, ref := range acknowledged {
		r, err := db.FindRegistration(ctx, ref)
		if err != nil {
			lost++
			t.Errorf("acknowledged %s is lost: %v", ref, err)
		} else if msgs, _ := db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID}); len(msgs) != 1 || msgs[0].Kind != mailFor(r.Status) {
			lost++
			t.Errorf("%s (%s): its message is not in the outbox: %d messages", ref, r.Status, len(msgs))
		}
		if lost == 5 {
			t.Fatal("…")
		}
	}
	t.Logf("%d registrations acknowledged before the kill, all found", len(acknowledged))
}

// mailFor is the message a new registration with status is told by.
func mailFor(status string) string {
	if status == store.StatusWaitlisted {
		return store.MailWaitlisted
	}
	return store.MailReceived
}
