#!/usr/bin/env python3
"""(Re)write the seed corpora in tests/fuzz/corpus/ from the fixtures and
assets they are taken from. Run from anywhere: python3 tests/fuzz/make-corpus.py

Files it does not write (regress-* reproducers of fixed crashes) are left
alone. fuzz_arm's inputs start with a selector byte that picks the parser:
'A' + the index in fuzz_arm.c's parsers[] (see tests/fuzz/README)."""

import glob
import json
import os
import shutil

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")

SEL = {name: chr(ord("A") + i) for i, name in enumerate([
    "ir", "ir_list", "ir_status", "trigger", "trigger_list", "pipeline", "pipeline_list",
    "fog", "fog_list", "mi_fog", "mi_fog_list", "error", "error_from_http", "async_op",
    "token_cc", "token_imds", "token_az", "entra_error"])}

# As in tests/unit/test_arm_parse.c.
EXAMPLES = {
    "FailoverGroupFailover.json": "fog",
    "FailoverGroupForceFailoverAllowDataLoss.json": "fog",
    "FailoverGroupGet.json": "fog",
    "FailoverGroupList.json": "fog_list",
    "InstanceFailoverGroupFailover.json": "mi_fog",
    "InstanceFailoverGroupForceFailoverAllowDataLoss.json": "mi_fog",
    "InstanceFailoverGroupGet.json": "mi_fog",
    "InstanceFailoverGroupList.json": "mi_fog_list",
    "IntegrationRuntimes_Create.json": "ir",
    "IntegrationRuntimes_Get.json": "ir",
    "IntegrationRuntimes_GetStatus.json": "ir_status",
    "IntegrationRuntimes_Get_IfNoneMatch.json": "ir",
    "IntegrationRuntimes_ListByFactory.json": "ir_list",
    "IntegrationRuntimes_Start.json": "ir_status",
    "IntegrationRuntimes_Stop.json": "ir_status",
    "PipelineRuns_QueryByFactory.json": "pipeline_list",  # not a pipeline list: an error path
    "Pipelines_Get.json": "pipeline",
    "Pipelines_ListByFactory.json": "pipeline_list",
    "Triggers_Get.json": "trigger",
    "Triggers_ListByFactory.json": "trigger_list",
    "Triggers_Start.json": "trigger",
    "Triggers_Stop.json": "trigger",
}

# A few of the broken bodies, as in test_arm_parse.c's table.
MALFORMED = {
    "array_root.json": "ir",
    "async_status_missing.json": "async_op",
    "deep_nesting.json": "pipeline",
    "error_code_number.json": "error",
    "error_not_arm.json": "error",
    "fog_role_null.json": "fog",
    "html_502.json": "error_from_http",
    "invalid_utf8.json": "fog",
    "ir_truncated.json": "ir",
    "mi_fog_role_object.json": "mi_fog",
    "nul_in_string.json": "fog",
    "pipeline_list_item_no_name.json": "pipeline_list",
    "status_nodes_object.json": "ir_status",
    "status_truncated_in_string.json": "ir_status",
    "token_expires_in_garbage.json": "token_cc",
    "token_missing.json": "token_imds",
    "trailing_garbage.json": "fog",
    "trigger_list_item_string.json": "trigger_list",
    "trigger_list_nextlink_number.json": "trigger_list",
    "two_objects.json": "fog",
}

# Bodies the examples do not cover.
HANDMADE = {
    "token_cc-ok": ("token_cc", {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                 "access_token": "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2ln"}),
    "token_imds-ok": ("token_imds", {"access_token": "eyJ0eXAi.eyJhdWQi.c2ln", "client_id": "00000000-0000-0000-0000-000000000000",
                                     "expires_in": "86399", "expires_on": "1700086399", "ext_expires_in": "86399",
                                     "not_before": "1699999999", "resource": "https://management.azure.com/",
                                     "token_type": "Bearer"}),
    "token_imds-expires_on": ("token_imds", {"access_token": "a.b.c", "expires_on": 1700086399}),
    "token_az-ok": ("token_az", {"accessToken": "eyJ0eXAi.eyJhdWQi.c2ln", "expiresOn": "2024-01-01 12:00:00.000000",
                                 "expires_on": 1704110400, "subscription": "00000000-0000-0000-0000-000000000000",
                                 "tenant": "00000000-0000-0000-0000-000000000000", "tokenType": "Bearer"}),
    "token_az-expiresOn": ("token_az", {"accessToken": "x", "expiresOn": "2030-12-31 23:59:59", "tokenType": "Bearer"}),
    "token_cc-entra_error": ("token_cc", {"error": "invalid_client",
                                          "error_description": "AADSTS7000215: Invalid client secret provided.",
                                          "error_codes": [7000215], "timestamp": "2024-01-01 12:00:00Z",
                                          "trace_id": "t", "correlation_id": "c"}),
    "entra_error-ok": ("entra_error", {"error": "invalid_client",
                                       "error_description": "AADSTS7000215: Invalid client secret provided.",
                                       "error_codes": [7000215, 1], "trace_id": "t"}),
    "error-arm": ("error", {"error": {"code": "Conflict", "message": "Another operation is in progress.",
                                      "target": "fg", "details": [{"code": "FailoverGroupBusy", "message": "busy"}]}}),
    "error-old": ("error", {"code": "ResourceNotFound", "message": "The resource was not found."}),
    "error_from_http-arm": ("error_from_http", {"error": {"code": "AuthorizationFailed", "message": "no",
                                                          "details": []}}),
    "error_from_http-entra": ("error_from_http", {"error": "invalid_client", "error_description": "AADSTS7000215"}),
    "async_op-inprogress": ("async_op", {"id": "/x/operations/1", "name": "1", "status": "InProgress",
                                         "startTime": "2024-01-01T12:00:00Z"}),
    "async_op-failed": ("async_op", {"id": "/x/operations/1", "status": "Failed",
                                     "error": {"code": "InternalServerError", "message": "boom"}}),
    "ir_status-managed": ("ir_status", {"name": "ssis-ir", "properties": {
        "dataFactoryName": "adf", "type": "Managed", "state": "Started", "typeProperties": {
            "nodes": [{"nodeId": "n1", "status": "Available"}, {"nodeId": "n2", "status": "Recycling"}],
            "otherErrors": [{"code": "c", "message": "first"}],
            "lastOperation": {"type": "Start", "startTime": "2024-01-01T12:00:00Z", "result": "Succeeded",
                              "errorCode": ""}}}}),
    "trigger-pipeline_single": ("trigger", {"name": "t", "properties": {
        "type": "BlobEventsTrigger", "runtimeState": "Started",
        "pipeline": {"pipelineReference": {"referenceName": "p", "type": "PipelineReference"}}}}),
    "pipeline-nested": ("pipeline", {"name": "p", "properties": {"activities": [
        {"name": "loop", "type": "ForEach", "typeProperties": {"activities": [
            {"name": "if", "type": "IfCondition", "typeProperties": {
                "ifTrueActivities": [{"name": "run", "type": "ExecuteSSISPackage", "typeProperties": {
                    "connectVia": {"referenceName": "ssis-ir", "type": "IntegrationRuntimeReference"},
                    "packageLocation": {"packagePath": {"value": "@pipeline().parameters.path",
                                                        "type": "Expression"}}}}],
                "ifFalseActivities": [{"name": "sw", "type": "Switch", "typeProperties": {
                    "cases": [{"value": "a", "activities": [{"name": "run2", "type": "ExecuteSSISPackage",
                                                             "typeProperties": {"packageLocation": {
                                                                 "packagePath": "f/p/x.dtsx"}}}]}],
                    "defaultActivities": []}}]}}]}}]}}),
    "fog_list-nextlink": ("fog_list", {"value": [], "nextLink": "https://management.azure.com/x?$skiptoken=1"}),
}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def arm():
    d = os.path.join(CORPUS, "arm")
    ex = os.path.join(TOP, "tests", "fixtures", "arm-examples")
    for name, kind in sorted(EXAMPLES.items()):
        with open(os.path.join(ex, name), encoding="utf-8") as f:
            doc = json.load(f)
        for status, resp in sorted(doc["responses"].items()):
            if "body" not in resp:
                continue
            body = json.dumps(resp["body"], indent=2, ensure_ascii=False).encode()
            base = "%s-%s-%s" % (kind, name[:-5], status)
            write(os.path.join(d, base), SEL[kind].encode() + body)
    mal = os.path.join(TOP, "tests", "fixtures", "arm-malformed")
    for name, kind in sorted(MALFORMED.items()):
        with open(os.path.join(mal, name), "rb") as f:
            body = f.read()
        write(os.path.join(d, "%s-malformed-%s" % (kind, name[:-5])), SEL[kind].encode() + body)
    for name, (kind, doc) in sorted(HANDMADE.items()):
        write(os.path.join(d, name), SEL[kind].encode() + json.dumps(doc).encode())


def copy(kind, pattern, prefix=""):
    for src in sorted(glob.glob(os.path.join(TOP, pattern))):
        dst = os.path.join(CORPUS, kind, prefix + os.path.basename(src))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)


arm()
copy("config", "assets/ssisdr.conf.example")
copy("config", "tests/fixtures/config/*.conf", "fixture-")
copy("runbook", "assets/runbooks/*.runbook")
# fuzz_sql_catalog seeds from assets/sql/ itself (FUZZ_SEED_DIR): no copy to drift
