/* insert com.softwarementors.demo1.Article */ insert into Article (id, version, currentPrice, name) values (null, ?, ?, ?)
