SELECT id, name, storage_key, type, enable, default_status, remark, creator, updater, date(create_time), date(update_time), del FROM storage WHERE del = 1 AND enable = 1
