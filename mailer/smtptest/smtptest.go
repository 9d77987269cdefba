// Package smtptest runs a real SMTP server on loopback for tests: it keeps
// every message it accepts and can be told to refuse the next ones.
package smtptest

import (
	"bytes"
	"io"
	"net"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted message, raw and parsed.
type Message struct {
	From string
	To   []string
	Raw  []byte
	Mail *mail.Message
}

// Server is an SMTP server listening on 127.0.0.1.
type Server struct {
	Addr string // host:port
	srv  *smtp.Server
	ln   net.Listener

	// Discard, set before the first message, counts what arrives
	// without keeping it (for a load of thousands).
	Discard bool

	mu       sync.Mutex
	received []Message
	count    int
	refusals []int // codes to answer DATA with, in turn, before accepting
	arrived  chan struct{}
}

// Start runs a server on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := Listen(t, "127.0.0.1:0")
	t.Cleanup(s.Close)
	return s
}

// Listen runs a server on addr (for a server that comes back on the same
// port); the caller closes it.
func Listen(t testing.TB, addr string) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	go s.srv.Serve(ln)
	return s
}

// URL is the DELEGATE_SMTP_URL of the server.
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

// Port is the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Refuse makes the next deliveries fail with these codes (451, 550, …),
// one code per message, in turn.
func (s *Server) Refuse(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals = append(s.refusals, codes...)
}

// Messages returns what the server accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Count is how many messages the server accepted so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Wait waits until n messages have arrived or the timeout passes, and
// returns what arrived.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return s.Messages()
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.refusals) > 0 {
		code := x.s.refusals[0]
		x.s.refusals = x.s.refusals[1:]
		enhanced := smtp.EnhancedCode{code / 100, 0, 0}
		return &smtp.SMTPError{Code: code, EnhancedCode: enhanced, Message: "refused by the test server (" + strconv.Itoa(code) + ")"}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message"}
	}
	x.s.count++
	if !x.s.Discard {
		x.s.received = append(x.s.received, Message{From: x.from, To: x.to, Raw: raw, Mail: m})
	}
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}
