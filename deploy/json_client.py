"""One JSON request to the service, for the deployment checks (fault_load.py, stack_checks.py):
the status and the parsed body, or ("error:<kind>", None) when no answer came."""

import http.client
import json
import urllib.parse


def call(base, method, path, body=None, token=None, timeout=10):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None
    except (OSError, http.client.HTTPException) as error:
        return f"error:{type(error).__name__}", None
    finally:
        connection.close()
