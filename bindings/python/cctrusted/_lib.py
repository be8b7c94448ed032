# SPDX-License-Identifier: Apache-2.0
"""Low-level ctypes view of libcctrusted: the structures of the public headers
mirrored field by field, the function prototypes, and the library loader.

Every structure here must have the size and field offsets the C compiler
gives the header's structure; tests/python/test_binding.py checks this with
a generated C program. Enums are C `int` (c_int), size_t is c_size_t.
"""
import ctypes
import ctypes.util
import os

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_u8 = ctypes.c_uint8
c_u16 = ctypes.c_uint16
c_u32 = ctypes.c_uint32
c_u64 = ctypes.c_uint64
c_i64 = ctypes.c_int64
c_size = ctypes.c_size_t
c_ptr = ctypes.c_void_p
c_str = ctypes.c_char_p
c_long = ctypes.c_long
c_char = ctypes.c_char
POINTER = ctypes.POINTER

# include/cctrusted/error.h
CCT_ERROR_MESSAGE_MAX = 256
ERROR_NAMES = {
    0: "CCT_OK", -1: "CCT_EINVAL", -2: "CCT_ENOMEM", -3: "CCT_EIO", -4: "CCT_ETRUNCATED",
    -5: "CCT_EMALFORMED", -6: "CCT_EUNSUPPORTED", -7: "CCT_EVERIFY", -8: "CCT_ELIMIT",
    -9: "CCT_ENOTFOUND", -10: "CCT_EPERM",
}

# include/cctrusted/algorithm.h
CCT_MAX_DIGEST_SIZE = 64

# include/cctrusted/eventlog.h
CCT_LOG_FORMATS = {
    "auto": 0, "tcg2": 1, "tcg1": 2, "ccel": 3, "ima": 4, "ima-bin": 5,
    "cel-tlv": 6, "cel-json": 7, "cel-cbor": 8,
}
CCT_REG_PCR, CCT_REG_RTMR, CCT_REG_MRTD = 0, 1, 2
REG_KIND_NAMES = {CCT_REG_PCR: "pcr", CCT_REG_RTMR: "rtmr", CCT_REG_MRTD: "mrtd"}
CCT_MAX_DIGESTS = 8
CCT_COUNT_ALL = 0xFFFFFFFFFFFFFFFF
CCT_EVENT_F_HEADER = 0x1
CCT_EVENT_F_IMA_VIOLATION = 0x8
CCT_CEL_PCCLIENT_STD = 5
CCT_DECODE_TEXT, CCT_DECODE_JSON = 0, 1
DIGEST_CHECK_NAMES = {0: "not-applicable", 1: "ok", 2: "ok-variant", 3: "mismatch", 4: "ok-rule"}
CEL_CONTENT_NAMES = {4: "cel_mgt", 5: "pcclient_std", 7: "ima_template", 8: "ima_tlv", 9: "systemd", 80: "cos"}

# include/cctrusted/context.h
CCT_PLATFORMS = {"auto": 0, "tdx": 1, "tpm": 2, "snp": 3, "cca": 4, "sim": 5, "none": 6, "agent": 7}
CCT_OPEN_OPTIONS_VERSION = 1
CCT_REPORT_REQUEST_VERSION = 1
CCT_MAX_PROBES = 32
CCT_MAX_LOG_SOURCES = 8

# include/cctrusted/replay.h
CCT_REPLAY_OPTIONS_VERSION = 2
CCT_EVENTLOG_OPTIONS_VERSION = 1
CCT_IMA_REGISTERS = {"auto": 0, "pcr": 1, "rtmr": 2}
CCT_REPLAY_F_NO_DIAGNOSTICS = 0x1
CCT_MAX_REGISTERS = 512
CCT_MAX_NOTES = 256
NOTE_NAMES = {1: "digest-mismatch", 2: "ima-template", 3: "separator-data", 4: "dup-separator",
              5: "boot-aggregate", 6: "ima-padded", 7: "extend-failed"}
AGGREGATE_NAMES = {0: "none", 1: "matched", 2: "mismatch", 3: "unchecked"}
AGGREGATE_HOW = {0: "pcr0-7", 1: "pcr0-9", 2: "tdx"}

# include/cctrusted/report.h
REPORT_TYPES = {0: "unknown", 1: "tdx", 2: "tdreport", 3: "snp", 4: "tpm", 5: "cca", 6: "sgx",
                7: "hcl"}
CCT_TPM_MAX_PCR_SELECTIONS = 8
CCT_SNP_MAX_CERTS = 16

# include/cctrusted/verify.h
CCT_CHECK_NAME_MAX = 48
CCT_CHECK_DETAIL_MAX = 240
CCT_MAX_CHECKS = 48
CCT_MAX_PCR_VALUES = 128
CCT_VERIFY_OPTIONS_VERSION = 4


class cct_error(ctypes.Structure):
    _fields_ = [
        ("code", c_int),
        ("sys_errno", c_int),
        ("event", c_i64),
        ("offset", c_i64),
        ("message", ctypes.c_char * CCT_ERROR_MESSAGE_MAX),
    ]


class cct_digest(ctypes.Structure):
    _fields_ = [
        ("alg", c_u16),
        ("size", c_u16),
        ("bytes", c_ptr),
    ]


class cct_event(ctypes.Structure):
    _fields_ = [
        ("number", c_u64),
        ("offset", c_u64),
        ("length", c_u64),
        ("format", c_int),
        ("kind", c_int),
        ("index", c_u32),
        ("index_logged", c_u32),
        ("type", c_u32),
        ("flags", c_u32),
        ("n_digests", c_size),
        ("digests", cct_digest * CCT_MAX_DIGESTS),
        ("data", c_ptr),
        ("data_len", c_size),
        ("raw", c_ptr),
        ("raw_len", c_size),
        ("ima_template", c_ptr),
        ("ima_template_len", c_size),
        ("ima_file_alg", c_u16),
        ("ima_file_alg_name", c_ptr),
        ("ima_file_alg_name_len", c_size),
        ("ima_file_digest", c_ptr),
        ("ima_file_digest_len", c_size),
        ("ima_file_name", c_ptr),
        ("ima_file_name_len", c_size),
        ("cel_recnum", c_u64),
        ("cel_content_type", c_u32),
        ("version", c_u32),
        ("reserved", c_u64 * 8),
    ]


class cct_specid(ctypes.Structure):
    _fields_ = [
        ("platform_class", c_u32),
        ("version_minor", c_u8),
        ("version_major", c_u8),
        ("errata", c_u8),
        ("uintn_size", c_u8),
        ("n_algs", c_size),
        ("algs", c_u16 * CCT_MAX_DIGESTS),
        ("sizes", c_u16 * CCT_MAX_DIGESTS),
        ("vendor_info_len", c_size),
        ("vendor_info", c_u8 * 255),
    ]


class cct_eventlog_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("max_event_size", c_size),
    ]


class cct_replay_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("workarounds", c_u32),
        ("ima_register", c_int),
        ("n_ima_banks", c_size),
        ("ima_banks", c_u16 * CCT_MAX_DIGESTS),
        ("n_ima_padded", c_size),
        ("ima_padded", c_u16 * CCT_MAX_DIGESTS),
        ("mrtd", c_ptr),
        ("mrtd_len", c_size),
        ("flags", c_u32),
    ]


class cct_log_input(ctypes.Structure):
    _fields_ = [
        ("path", c_str),
        ("data", c_ptr),
        ("len", c_size),
        ("format", c_int),
        ("ima_register", c_int),
        ("name", c_str),
    ]


class cct_replay_log_info(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char * 256),
        ("format", c_int),
        ("ima_kind", c_int),
        ("events", c_u64),
    ]


class cct_replay_note(ctypes.Structure):
    _fields_ = [
        ("code", c_int),
        ("log", c_size),
        ("event", c_u64),
        ("offset", c_u64),
        ("kind", c_int),
        ("index", c_u32),
        ("text", ctypes.c_char * 240),
    ]


class cct_aggregate_result(ctypes.Structure):
    _fields_ = [
        ("status", c_int),
        ("how", c_int),
        ("alg", c_u16),
        ("text", ctypes.c_char * 200),
    ]


class cct_register(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("index", c_u32),
        ("alg", c_u16),
        ("size", c_u16),
        ("digest", c_u8 * CCT_MAX_DIGEST_SIZE),
        ("n_events", c_u64),
        ("locality", c_u8),
    ]


class cct_open_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("platform", c_int),
        ("sysroot", c_str),
        ("tpm_tcti", c_str),
        ("sim_state_dir", c_str),
        ("runtime_log", c_str),
    ]


class cct_probe(ctypes.Structure):
    _fields_ = [
        ("platform", c_int),
        ("what", ctypes.c_char * 48),
        ("path", ctypes.c_char * 256),
        ("found", c_int),
        ("detail", ctypes.c_char * 160),
    ]


class cct_detection(ctypes.Structure):
    _fields_ = [
        ("chosen", c_int),
        ("reason", ctypes.c_char * 256),
        ("n_probes", c_size),
        ("probes", cct_probe * CCT_MAX_PROBES),
    ]


class cct_measurement(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("index", c_u32),
        ("alg", c_u16),
        ("size", c_u16),
        ("digest", c_u8 * CCT_MAX_DIGEST_SIZE),
    ]


class cct_report_request(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("nonce", c_ptr),
        ("nonce_len", c_size),
        ("user_data", c_ptr),
        ("user_data_len", c_size),
        ("report_data", c_ptr),
        ("report_data_len", c_size),
        ("privlevel", c_int),
    ]


class cct_log_source(ctypes.Structure):
    _fields_ = [
        ("path", ctypes.c_char * 256),
        ("format", c_int),
        ("role", ctypes.c_char * 16),
        ("ima_register", c_int),
    ]


# ---- report.h ----

class cct_tdx_td_body(ctypes.Structure):
    _fields_ = [
        ("tee_tcb_svn", c_u8 * 16),
        ("mrseam", c_u8 * 48),
        ("mrsignerseam", c_u8 * 48),
        ("seam_attributes", c_u8 * 8),
        ("td_attributes", c_u8 * 8),
        ("xfam", c_u8 * 8),
        ("mrtd", c_u8 * 48),
        ("mrconfigid", c_u8 * 48),
        ("mrowner", c_u8 * 48),
        ("mrownerconfig", c_u8 * 48),
        ("rtmr", (c_u8 * 48) * 4),
        ("report_data", c_u8 * 64),
        ("is_v15", c_int),
        ("tee_tcb_svn2", c_u8 * 16),
        ("mrservicetd", c_u8 * 48),
    ]


class cct_sgx_report_body(ctypes.Structure):
    _fields_ = [
        ("cpu_svn", c_u8 * 16),
        ("misc_select", c_u32),
        ("attributes", c_u8 * 16),
        ("mr_enclave", c_u8 * 32),
        ("mr_signer", c_u8 * 32),
        ("isv_prod_id", c_u16),
        ("isv_svn", c_u16),
        ("report_data", c_u8 * 64),
    ]


class cct_tdx_quote(ctypes.Structure):
    _fields_ = [
        ("version", c_u16),
        ("att_key_type", c_u16),
        ("tee_type", c_u32),
        ("qe_svn", c_u16),
        ("pce_svn", c_u16),
        ("qe_vendor_id", c_u8 * 16),
        ("user_data", c_u8 * 20),
        ("body_type", c_u16),
        ("body_size", c_u32),
        ("body", cct_tdx_td_body),
        ("signed_data", c_ptr),
        ("signed_len", c_size),
        ("sig_data_len", c_u32),
        ("signature", c_u8 * 64),
        ("attest_key", c_u8 * 64),
        ("cert_type", c_u16),
        ("cert_data", c_ptr),
        ("cert_data_len", c_u32),
        ("has_qe_report", c_int),
        ("qe_report_raw", c_ptr),
        ("qe_report", cct_sgx_report_body),
        ("qe_report_sig", c_u8 * 64),
        ("qe_auth_data", c_ptr),
        ("qe_auth_len", c_u16),
        ("pck_cert_type", c_u16),
        ("pck_chain", c_ptr),
        ("pck_chain_len", c_u32),
        ("quote_len", c_size),
        ("trailing", c_size),
    ]


class cct_snp_tcb(ctypes.Structure):
    _fields_ = [
        ("has_fmc", ctypes.c_bool),
        ("fmc", c_u8),
        ("boot_loader", c_u8),
        ("tee", c_u8),
        ("snp", c_u8),
        ("microcode", c_u8),
    ]


class cct_snp_report(ctypes.Structure):
    _fields_ = [
        ("version", c_u32),
        ("guest_svn", c_u32),
        ("policy", c_u64),
        ("family_id", c_u8 * 16),
        ("image_id", c_u8 * 16),
        ("vmpl", c_u32),
        ("signature_algo", c_u32),
        ("current_tcb", c_u64),
        ("platform_info", c_u64),
        ("flags", c_u32),
        ("report_data", c_u8 * 64),
        ("measurement", c_u8 * 48),
        ("host_data", c_u8 * 32),
        ("id_key_digest", c_u8 * 48),
        ("author_key_digest", c_u8 * 48),
        ("report_id", c_u8 * 32),
        ("report_id_ma", c_u8 * 32),
        ("reported_tcb", c_u64),
        ("cpuid_fam_id", c_u8),
        ("cpuid_mod_id", c_u8),
        ("cpuid_step", c_u8),
        ("chip_id", c_u8 * 64),
        ("committed_tcb", c_u64),
        ("current_build", c_u8),
        ("current_minor", c_u8),
        ("current_major", c_u8),
        ("committed_build", c_u8),
        ("committed_minor", c_u8),
        ("committed_major", c_u8),
        ("launch_tcb", c_u64),
        ("launch_mit_vector", c_u64),
        ("current_mit_vector", c_u64),
        ("product", c_int),
        ("reported_tcb_fields", cct_snp_tcb),
        ("sig_r", c_u8 * 72),
        ("sig_s", c_u8 * 72),
        ("signed_data", c_ptr),
        ("trailing", c_size),
    ]


class cct_tpm_pcr_selection(ctypes.Structure):
    _fields_ = [
        ("hash", c_u16),
        ("size_of_select", c_u8),
        ("select", c_u8 * 8),
    ]


class cct_tpm_attest(ctypes.Structure):
    _fields_ = [
        ("magic", c_u32),
        ("type", c_u16),
        ("qualified_signer", c_ptr),
        ("qualified_signer_len", c_u16),
        ("extra_data", c_ptr),
        ("extra_data_len", c_u16),
        ("clock", c_u64),
        ("reset_count", c_u32),
        ("restart_count", c_u32),
        ("safe", c_u8),
        ("firmware_version", c_u64),
        ("n_selections", c_size),
        ("selections", cct_tpm_pcr_selection * CCT_TPM_MAX_PCR_SELECTIONS),
        ("pcr_digest", c_ptr),
        ("pcr_digest_len", c_u16),
    ]


class cct_tpm_signature(ctypes.Structure):
    _fields_ = [
        ("sig_alg", c_u16),
        ("hash", c_u16),
        ("rsa_sig", c_ptr),
        ("rsa_sig_len", c_u16),
        ("ecc_r", c_ptr),
        ("ecc_r_len", c_u16),
        ("ecc_s", c_ptr),
        ("ecc_s_len", c_u16),
    ]


class cct_tpm_public(ctypes.Structure):
    _fields_ = [
        ("type", c_u16),
        ("name_alg", c_u16),
        ("object_attributes", c_u32),
        ("scheme", c_u16),
        ("scheme_hash", c_u16),
        ("rsa_bits", c_u16),
        ("rsa_exponent", c_u32),
        ("curve", c_u16),
        ("unique", c_ptr),
        ("unique_len", c_u16),
        ("ecc_y", c_ptr),
        ("ecc_y_len", c_u16),
    ]


class cct_cose_sign1(ctypes.Structure):
    _fields_ = [
        ("protected_hdr", c_ptr),
        ("protected_len", c_size),
        ("alg", c_int),
        ("payload", c_ptr),
        ("payload_len", c_size),
        ("signature", c_ptr),
        ("signature_len", c_size),
        ("cose_tag", c_int),
    ]


class cct_cca_token(ctypes.Structure):
    _fields_ = [
        ("collection_tag", c_u64),
        ("has_platform", c_int),
        ("has_realm", c_int),
        ("platform", cct_cose_sign1),
        ("realm", cct_cose_sign1),
        ("platform_profile", c_ptr), ("platform_profile_len", c_size),
        ("platform_challenge", c_ptr), ("platform_challenge_len", c_size),
        ("implementation_id", c_ptr), ("implementation_id_len", c_size),
        ("instance_id", c_ptr), ("instance_id_len", c_size),
        ("security_lifecycle", c_i64),
        ("platform_hash_algo", c_ptr), ("platform_hash_algo_len", c_size),
        ("n_sw_components", c_size),
        ("realm_challenge", c_ptr), ("realm_challenge_len", c_size),
        ("realm_personalization", c_ptr), ("realm_personalization_len", c_size),
        ("realm_hash_algo", c_ptr), ("realm_hash_algo_len", c_size),
        ("rak_hash_algo", c_ptr), ("rak_hash_algo_len", c_size),
        ("rak", c_ptr), ("rak_len", c_size),
        ("rak_crv", c_int),
        ("rak_x", c_ptr), ("rak_y", c_ptr),
        ("rak_xy_len", c_size),
        ("rim", c_ptr), ("rim_len", c_size),
        ("rem", c_ptr * 4), ("rem_len", c_size * 4),
        ("realm_profile", c_ptr), ("realm_profile_len", c_size),
        ("internal", c_ptr),
    ]


# ---- verify.h ----

# collateral.h
CCT_FETCH_OPTIONS_VERSION = 1
CCT_FETCH_MAX_REQUESTS = 8
CCT_FETCH_URL_MAX = 640


class cct_fetch_options(ctypes.Structure):
    _fields_ = [("version", c_uint), ("base_url", c_str), ("root_crl_url", c_str),
                ("cache_dir", c_str), ("connect_timeout_ms", c_long), ("timeout_ms", c_long),
                ("max_size", c_size), ("retries", c_uint), ("retry_delay_ms", c_long),
                ("root", c_ptr), ("root_len", c_size), ("have_at", c_int), ("at", c_i64),
                ("product", c_str)]


class cct_fetch_request(ctypes.Structure):
    _fields_ = [("what", c_char * 24), ("url", c_char * CCT_FETCH_URL_MAX), ("http_status", c_long),
                ("attempts", c_uint), ("from_cache", c_int), ("fresh_until", c_i64)]


class cct_fetch_result(ctypes.Structure):
    _fields_ = [("n", c_size), ("req", cct_fetch_request * CCT_FETCH_MAX_REQUESTS),
                ("data", c_ptr), ("len", c_size), ("note", c_char * 160), ("fmspc", c_char * 13),
                ("pck_ca", c_char * 12), ("version", c_u32), ("reserved", c_u64 * 8)]


class cct_check(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char * CCT_CHECK_NAME_MAX),
        ("ok", c_int),
        ("detail", ctypes.c_char * CCT_CHECK_DETAIL_MAX),
        ("status", c_int),
    ]


class cct_verify_result(ctypes.Structure):
    _fields_ = [
        ("size", c_size),
        ("type", c_int),
        ("ok", c_int),
        ("n_checks", c_size),
        ("dropped", c_size),
        ("checks", cct_check * CCT_MAX_CHECKS),
        ("n_unchecked", c_size),
    ]


class cct_pcr_value(ctypes.Structure):
    _fields_ = [
        ("alg", c_u16),
        ("index", c_u32),
        ("digest", c_u8 * 64),
    ]


class cct_verify_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("certs", c_ptr), ("certs_len", c_size),
        ("root", c_ptr), ("root_len", c_size),
        ("have_at", c_int),
        ("at", c_i64),
        ("nonce", c_ptr), ("nonce_len", c_size),
        ("signature", c_ptr), ("signature_len", c_size),
        ("ak", c_ptr), ("ak_len", c_size),
        ("cpak", c_ptr), ("cpak_len", c_size),
        ("collateral", c_ptr), ("collateral_len", c_size),
        ("pcrs", c_ptr),
        ("n_pcrs", c_size),
        ("mac_key", c_ptr), ("mac_key_len", c_size),
        ("allow_simulation", c_int),
        ("allow_debug", c_int),
        ("allow_migration_agent", c_int),
        ("have_vmpl", c_int),
        ("vmpl", c_u32),
        ("logs", c_ptr), ("n_logs", c_size),
        ("replay", c_ptr),
        ("require_collateral", c_int),
        ("accept_tcb_status", c_ptr),
        # version 4
        ("request_nonce", c_ptr), ("request_nonce_len", c_size),
        ("request_user_data", c_ptr), ("request_user_data_len", c_size),
        ("snp_min_tcb", c_ptr),
    ]


# Every mirrored structure, for the layout check against the C compiler.
STRUCTS = [cct_error, cct_digest, cct_event, cct_specid, cct_eventlog_options, cct_replay_options,
           cct_register, cct_open_options, cct_probe, cct_detection, cct_measurement,
           cct_report_request, cct_log_source, cct_log_input, cct_replay_log_info, cct_replay_note,
           cct_aggregate_result, cct_tdx_td_body, cct_sgx_report_body, cct_tdx_quote, cct_snp_tcb,
           cct_snp_report, cct_tpm_pcr_selection, cct_tpm_attest, cct_tpm_signature, cct_tpm_public,
           cct_cose_sign1, cct_cca_token, cct_fetch_options, cct_fetch_request, cct_fetch_result,
           cct_check, cct_verify_result, cct_pcr_value,
           cct_verify_options]

# (name, restype, argtypes)
_PROTOS = [
    # error.h
    ("cct_strerror", c_str, [c_int]),
    ("cct_error_clear", None, [POINTER(cct_error)]),
    # algorithm.h
    ("cct_alg_digest_size", c_size, [c_u16]),
    ("cct_alg_name", c_str, [c_u16]),
    ("cct_alg_from_name", c_u16, [c_str]),
    # eventlog.h
    ("cct_eventlog_from_memory", c_int,
     [c_ptr, c_size, POINTER(cct_eventlog_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_eventlog_from_file", c_int,
     [c_str, POINTER(cct_eventlog_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_eventlog_next", c_int, [c_ptr, POINTER(cct_event)]),
    ("cct_eventlog_select", c_int, [c_ptr, c_u64, c_u64]),
    ("cct_eventlog_rewind", c_int, [c_ptr]),
    ("cct_eventlog_format", c_int, [c_ptr]),
    ("cct_eventlog_specid", c_int, [c_ptr, POINTER(cct_specid)]),
    ("cct_eventlog_padding", c_u64, [c_ptr]),
    ("cct_eventlog_error", POINTER(cct_error), [c_ptr]),
    ("cct_eventlog_free", None, [c_ptr]),
    ("cct_log_format_name", c_str, [c_int]),
    ("cct_log_format_from_name", c_int, [c_str, POINTER(c_int)]),
    ("cct_event_type_name", c_str, [c_u32]),
    ("cct_event_decode", c_int, [POINTER(cct_event), c_int, POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_event_check_digest", c_int, [POINTER(cct_event), POINTER(c_int), POINTER(c_int)]),
    ("cct_free", None, [c_ptr]),
    # ima.h
    ("cct_eventlog_ima_set_register", c_int, [c_ptr, c_int]),
    ("cct_eventlog_ima_set_banks", c_int, [c_ptr, POINTER(c_u16), c_size]),
    # replay.h
    ("cct_workaround_from_name", c_u32, [c_str]),
    ("cct_replay_new", c_int, [POINTER(cct_replay_options), POINTER(c_ptr)]),
    ("cct_replay_event", c_int, [c_ptr, POINTER(cct_event)]),
    ("cct_replay_finish", c_int, [c_ptr]),
    ("cct_replay_count", c_size, [c_ptr]),
    ("cct_replay_get", c_int, [c_ptr, c_size, POINTER(cct_register)]),
    ("cct_replay_free", None, [c_ptr]),
    ("cct_replay_options_init", None, [POINTER(cct_replay_options)]),
    ("cct_replay_lookup", c_int, [c_ptr, c_int, c_u32, c_u16, POINTER(cct_register)]),
    ("cct_replay_logs", c_int, [POINTER(cct_log_input), c_size, POINTER(cct_replay_options),
                                POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_replay_log_count", c_size, [c_ptr]),
    ("cct_replay_log_info", c_int, [c_ptr, c_size, POINTER(cct_replay_log_info)]),
    ("cct_replay_ima_register", c_int, [c_ptr]),
    ("cct_replay_note_count", c_size, [c_ptr]),
    ("cct_replay_notes_dropped", c_size, [c_ptr]),
    ("cct_replay_note_get", c_int, [c_ptr, c_size, POINTER(cct_replay_note)]),
    ("cct_replay_boot_aggregate", c_int, [c_ptr, POINTER(cct_aggregate_result)]),
    ("cct_replay_workarounds_applied", c_u32, [c_ptr]),
    # report.h
    ("cct_report_detect", c_int, [c_ptr, c_size, POINTER(c_int)]),
    ("cct_report_type_name", c_str, [c_int]),
    ("cct_tdx_quote_parse", c_int, [c_ptr, c_size, POINTER(cct_tdx_quote), POINTER(cct_error)]),
    ("cct_tdx_cert_type_name", c_str, [c_u16]),
    ("cct_snp_report_parse", c_int, [c_ptr, c_size, POINTER(cct_snp_report), POINTER(cct_error)]),
    ("cct_snp_product_name", c_str, [c_int]),
    ("cct_tpm_attest_parse", c_int, [c_ptr, c_size, POINTER(cct_tpm_attest), POINTER(cct_error)]),
    ("cct_tpm_signature_parse", c_int, [c_ptr, c_size, POINTER(cct_tpm_signature),
                                        POINTER(cct_error)]),
    ("cct_tpm_public_parse", c_int, [c_ptr, c_size, POINTER(cct_tpm_public), POINTER(cct_error)]),
    ("cct_cca_token_parse", c_int, [c_ptr, c_size, POINTER(cct_cca_token), POINTER(cct_error)]),
    ("cct_cca_token_free", None, [POINTER(cct_cca_token)]),
    # verify.h
    ("cct_verify_report", c_int, [c_ptr, c_size, POINTER(cct_verify_options),
                                  POINTER(cct_verify_result), POINTER(cct_error)]),
    ("cct_verify_tdx_quote", c_int, [c_ptr, c_size, POINTER(cct_verify_options),
                                     POINTER(cct_verify_result), POINTER(cct_error)]),
    ("cct_verify_snp_report", c_int, [c_ptr, c_size, POINTER(cct_verify_options),
                                      POINTER(cct_verify_result), POINTER(cct_error)]),
    ("cct_verify_tpm_quote", c_int, [c_ptr, c_size, POINTER(cct_verify_options),
                                     POINTER(cct_verify_result), POINTER(cct_error)]),
    ("cct_verify_cca_token", c_int, [c_ptr, c_size, POINTER(cct_verify_options),
                                     POINTER(cct_verify_result), POINTER(cct_error)]),
    ("cct_parse_time", c_int, [c_str, POINTER(c_i64)]),
    # collateral.h
    ("cct_have_fetch", c_int, []),
    ("cct_fetch_result_free", None, [POINTER(cct_fetch_result)]),
    ("cct_collateral_urls", c_int, [c_ptr, c_size, POINTER(cct_fetch_options),
                                    POINTER(cct_fetch_result), POINTER(cct_error)]),
    ("cct_tdx_collateral_fetch", c_int, [c_ptr, c_size, POINTER(cct_fetch_options),
                                         POINTER(cct_fetch_result), POINTER(cct_error)]),
    ("cct_snp_vcek_fetch", c_int, [c_ptr, c_size, POINTER(cct_fetch_options),
                                   POINTER(cct_fetch_result), POINTER(cct_error)]),
    # context.h
    ("cct_platform_name", c_str, [c_int]),
    ("cct_platform_from_name", c_int, [c_str, POINTER(c_int)]),
    ("cct_detect", c_int, [POINTER(cct_open_options), POINTER(cct_detection)]),
    ("cct_open", c_int, [POINTER(cct_open_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_close", None, [c_ptr]),
    ("cct_context_error", POINTER(cct_error), [c_ptr]),
    ("cct_context_platform", c_int, [c_ptr]),
    ("cct_get_default_algorithm", c_int, [c_ptr, POINTER(c_u16)]),
    ("cct_get_measurement_count", c_int, [c_ptr, POINTER(c_u32)]),
    ("cct_get_measurement", c_int, [c_ptr, c_u32, c_u16, POINTER(cct_measurement)]),
    ("cct_get_report", c_int, [c_ptr, POINTER(cct_report_request), POINTER(c_ptr)]),
    ("cct_report_data", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_aux", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_key", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_provider", c_str, [c_ptr]),
    ("cct_report_reportdata", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_free", None, [c_ptr]),
    ("cct_get_log_sources", c_int, [c_ptr, POINTER(cct_log_source), c_size, POINTER(c_size)]),
    ("cct_get_eventlog", c_int, [c_ptr, c_size, c_u64, c_u64, POINTER(c_ptr)]),
    ("cct_replay_live", c_int, [c_ptr, POINTER(cct_replay_options), POINTER(c_ptr)]),
    ("cct_get_banks", c_int, [c_ptr, c_u32, POINTER(c_u16), c_size, POINTER(c_size)]),
    ("cct_extend", c_int, [c_ptr, c_u32, c_ptr, c_size, c_ptr, c_size]),
    ("cct_extend_data", c_int, [c_ptr, c_u32, c_ptr, c_size, c_ptr, POINTER(c_size)]),
]


SONAME = "libcctrusted.so.0"


def _candidates():
    """Where to look for the library, in order (see docs/python.md)."""
    env = os.environ.get("CCTRUSTED_LIB")
    if env:
        yield env
        return
    # A build directory next to the package: <source>/build/libcctrusted.so when the
    # package is used from bindings/python/ in a source tree.
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if os.path.exists(os.path.join(root, "include", "cctrusted", "context.h")):
        for d in ("build", "builddir", "_build"):
            p = os.path.join(root, d, "libcctrusted.so")
            if os.path.exists(p):
                yield p
    # The soname, through the dynamic loader's search path (an installed library).
    yield SONAME
    # The directory meson installed the library into (written at install time).
    try:
        from . import _install  # type: ignore[attr-defined]
        yield os.path.join(_install.LIBDIR, SONAME)
    except ImportError:
        pass
    found = ctypes.util.find_library("cctrusted")
    if found:
        yield found


def _missing(name, path):
    def stub(*args):
        raise OSError("%s (loaded from %s) does not export %s: the library is older than this "
                      "package" % (SONAME, path, name))
    return stub


def _load():
    tried = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        for name, res, args in _PROTOS:
            try:
                fn = getattr(lib, name)
            except AttributeError:
                setattr(lib, name, _missing(name, path))
                continue
            fn.restype = res
            fn.argtypes = args
        return lib, path
    raise OSError("libcctrusted not found: set $CCTRUSTED_LIB to the path of libcctrusted.so"
                  + ("; tried " + ", ".join(tried) if tried else ""))


_cached = None


def lib():
    """The loaded library (loaded on first use)."""
    global _cached
    if _cached is None:
        _cached = _load()
    return _cached[0]


def lib_path():
    """Path the library was loaded from."""
    lib()
    return _cached[1]
