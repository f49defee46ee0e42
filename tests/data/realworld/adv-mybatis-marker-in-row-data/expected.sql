SELECT id, note FROM memo
