select relname from pg_class where relkind='S'
@@@@
/* select c from Client c inner join c.accounts */ select client0_.id_client as id_clien1_2_, client0_.age as age2_2_, client0_.name as name3_2_, client0_.nick as nick4_2_ from CLIENT client0_ inner join ACCOUNT accounts1_ on client0_.id_client=accounts1_.client_id
