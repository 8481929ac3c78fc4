#!/usr/bin/env python3
"""Test-only loopback stand-ins for the network credential sources: STS
AssumeRoleWithWebIdentity, the ECS container credentials endpoint, and EC2
instance metadata (IMDSv2, token required). Each hands out the key pair that
tests/s3/keys.json knows for it. Prints its port, then serves until killed.

  fake_aws_endpoints.py WEB_IDENTITY_TOKEN ECS_AUTH_TOKEN
"""
import http.server
import json
import sys
import urllib.parse

WEB_TOKEN, ECS_AUTH = sys.argv[1], sys.argv[2]
IMDS_TOKEN = "imds-session-token-value"


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status, body, ctype="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, IMDS_TOKEN)
        self.reply(400, "bad token request")

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if query.get("Action") == "AssumeRoleWithWebIdentity":
            if query.get("WebIdentityToken") != WEB_TOKEN or not query.get("RoleArn"):
                return self.reply(403, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>")
            return self.reply(200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
                              "<Credentials><AccessKeyId>AKIDBATONSTS</AccessKeyId>"
                              "<SecretAccessKey>sts-secret</SecretAccessKey><SessionToken>sts-token</SessionToken>"
                              "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                              "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>", "text/xml")
        if url.path == "/ecs-credentials":
            if self.headers.get("Authorization") != ECS_AUTH:
                return self.reply(401, "unauthorized")
            return self.reply(200, json.dumps({"AccessKeyId": "AKIDBATONECS", "SecretAccessKey": "ecs-secret",
                                               "Token": "ecs-token", "Expiration": "2099-01-01T00:00:00Z"}))
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("x-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.reply(401, "IMDSv2 token required")
            role = url.path.rsplit("/", 1)[1]
            if not role:
                return self.reply(200, "baton-role\n")
            return self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": "AKIDBATONIMDS",
                                               "SecretAccessKey": "imds-secret", "Token": "imds-token"}))
        self.reply(404, "not found")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
