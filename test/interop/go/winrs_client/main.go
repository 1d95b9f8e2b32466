// Command winrs_client runs commands on a WinRM endpoint with Go's masterzen/winrm (Debian
// golang-github-masterzen-winrm-dev), for test/interop/winrs-go.test.ts.
//
// It reads one JSON job on stdin:
//
//	{"host": "127.0.0.1", "port": 5985, "user": "alice", "password": "...", "ntlm": false,
//	 "timeout": "PT20S", "steps": [{"op": "run", "command": "echo hi"},
//	                                {"op": "input", "command": "cat", "stdin": "text"}]}
//
// and writes {"results": [{"ok": true, "stdout": base64, "stderr": base64, "exit_code": n}
// | {"ok": false, "error": "..."}]}. "run" is client.Run (stdout and stderr to writers, the exit
// code returned); "input" is client.RunWithInput, which also streams stdin.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"

	"github.com/masterzen/winrm"
)

type step struct {
	Op      string `json:"op"`
	Command string `json:"command"`
	Stdin   string `json:"stdin"`
}

type job struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	NTLM     bool   `json:"ntlm"`
	Timeout  string `json:"timeout"`
	Steps    []step `json:"steps"`
}

type result struct {
	OK       bool   `json:"ok"`
	Stdout   string `json:"stdout,omitempty"`
	Stderr   string `json:"stderr,omitempty"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
}

func runStep(client *winrm.Client, s step) result {
	var stdout, stderr bytes.Buffer
	var code int
	var err error
	switch s.Op {
	case "run":
		code, err = client.Run(s.Command, &stdout, &stderr)
	case "input":
		code, err = client.RunWithInput(s.Command, &stdout, &stderr, strings.NewReader(s.Stdin))
	default:
		return result{Error: "unknown op " + s.Op}
	}
	if err != nil {
		return result{Error: err.Error(), ExitCode: code}
	}
	return result{
		OK:       true,
		Stdout:   base64.StdEncoding.EncodeToString(stdout.Bytes()),
		Stderr:   base64.StdEncoding.EncodeToString(stderr.Bytes()),
		ExitCode: code,
	}
}

func main() {
	var j job
	if err := json.NewDecoder(os.Stdin).Decode(&j); err != nil {
		os.Stderr.WriteString("bad job: " + err.Error() + "\n")
		os.Exit(2)
	}
	endpoint := winrm.NewEndpoint(j.Host, j.Port, false, false, nil, nil, nil, 0)
	params := winrm.NewParameters(j.Timeout, "en-US", 153600)
	if j.NTLM {
		params.TransportDecorator = func() winrm.Transporter { return &winrm.ClientNTLM{} }
	}
	client, err := winrm.NewClientWithParameters(endpoint, j.User, j.Password, params)
	if err != nil {
		os.Stderr.WriteString("client: " + err.Error() + "\n")
		os.Exit(2)
	}
	results := make([]result, 0, len(j.Steps))
	for _, s := range j.Steps {
		results = append(results, runStep(client, s))
	}
	json.NewEncoder(os.Stdout).Encode(map[string][]result{"results": results})
}
