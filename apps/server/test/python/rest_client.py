"""A service in another language calling the Worklets REST API with the standard library only.

Usage: rest_client.py BASE_URL WORKLET_ID MENTOR_ID (the token in the WORKLETS_TOKEN
environment variable). Prints one JSON object with each call's status and body.
"""
import json
import os
import sys
import urllib.error
import urllib.request


def call(method, url, token, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return {"status": response.status, "body": json.loads(response.read().decode("utf-8"))}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": json.loads(error.read().decode("utf-8"))}


def main():
    base, worklet_id, mentor_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    token = os.environ["WORKLETS_TOKEN"]
    v1 = base.rstrip("/") + "/api/v1"
    assign = {"mentor_id": mentor_id, "role_type": "Secondary"}
    results = {
        "assign": call("POST", f"{v1}/worklets/{worklet_id}/assign-mentor", token, assign),
        "again": call("POST", f"{v1}/worklets/{worklet_id}/assign-mentor", token, assign),
        "mentors": call("GET", f"{v1}/worklets/{worklet_id}/mentors", token),
        "worklets": call("GET", f"{v1}/worklets/mentor/{mentor_id}/worklets", token),
        "no_token": call("GET", f"{v1}/worklets/{worklet_id}/mentors", "wkt_not-a-token"),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
